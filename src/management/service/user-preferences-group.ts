// ManagementService user preferences (08 §4.2 "preferences get/set"): reads and field-mask updates
// through the core's AccountPreferences, as local-management. Only mask paths are audited, never
// the settings object itself.
import { create, type JsonObject } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  GetUserPreferencesResponseSchema,
  type ManagementService,
  UpdateUserPreferencesResponseSchema,
  type UserPreferencesPatch as WirePatch,
} from "../../../gen/synctv/management/v1/management_pb.js";
import {
  AccountPreferences,
  type UserPreferences,
  type UserPreferencesPatch,
} from "../../core/users/user-preferences.js";
import type { UserAccount } from "../../core/users/user-repository.js";
import { auditOf } from "../server/audit-interceptor.js";
import type { ManagementServiceDeps } from "./management-deps.js";
import { userReference } from "./user-refs.js";

type Handlers = Partial<ServiceImpl<typeof ManagementService>>;

/** Wire patch → core patch: only decoding; the mask and the settings bounds are core's. */
function patchFromWire(wire: WirePatch | undefined): UserPreferencesPatch {
  if (wire === undefined) return {};
  const patch: UserPreferencesPatch = {};
  const copy = <K extends keyof UserPreferencesPatch>(key: K, value: UserPreferencesPatch[K] | undefined) => {
    if (value !== undefined) patch[key] = value;
  };
  copy("notifyInvitationInApp", wire.notifyInvitationInApp);
  copy("notifyRoomEventInApp", wire.notifyRoomEventInApp);
  copy("notifyAnnouncementInApp", wire.notifyAnnouncementInApp);
  copy("notifyInvitationEmail", wire.notifyInvitationEmail);
  copy("notifyRoomEventEmail", wire.notifyRoomEventEmail);
  copy("notifyAnnouncementEmail", wire.notifyAnnouncementEmail);
  copy("settings", wire.settings);
  return patch;
}

export function userPreferencesHandlers(deps: ManagementServiceDeps): Handlers {
  const { users, ids } = deps;
  const preferences = new AccountPreferences({ database: deps.database });
  const out = (user: UserAccount, p: UserPreferences) => ({
    userId: ids.encode("usr", user.id),
    username: user.username,
    preferences: {
      ...p,
      // Validated JSON on the way in (core) and jsonb on the way out.
      settings: p.settings as JsonObject,
      updatedAt: BigInt(p.updatedAt ?? 0),
    },
  });

  return {
    async getUserPreferences(req) {
      const user = await users.resolve(userReference(req.user, ids));
      return create(GetUserPreferencesResponseSchema, out(user, await preferences.get(user.id)));
    },

    async updateUserPreferences(req, ctx) {
      const user = await users.resolve(userReference(req.user, ids));
      const paths = req.updateMask?.paths ?? [];
      auditOf(ctx)
        ?.target("user", ids.encode("usr", user.id))
        .detail({ username: user.username, paths: paths.join(",") });
      const updated = await preferences.update(user.id, patchFromWire(req.preferences), paths);
      return create(UpdateUserPreferencesResponseSchema, out(user, updated));
    },
  };
}
