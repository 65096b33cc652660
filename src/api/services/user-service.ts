// UserService (P1 part): transport only.
import type { ServiceImpl } from "@connectrpc/connect";
import type { UserService } from "../../../gen/synctv/v1/user_service_pb.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { UserProfiles } from "../../core/users/user-profiles.js";
import { callerOf } from "../caller.js";
import { toUserMessage } from "../mappers/user.js";

export interface UserServiceDeps {
  profiles: UserProfiles;
  ids: PublicIdCodec;
}

export function userServiceImpl(deps: UserServiceDeps): Partial<ServiceImpl<typeof UserService>> {
  return {
    async getProfile(_req, ctx) {
      return { user: toUserMessage(await deps.profiles.getProfile(await callerOf(ctx)), deps.ids, true) };
    },
    async setUsername(req, ctx) {
      const user = await deps.profiles.setUsername(await callerOf(ctx), req.username);
      return { user: toUserMessage(user, deps.ids, true) };
    },
  };
}
