// PublicService: transport only. Converts between protobuf and the core server-info functions.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  GetPublicSettingsResponseSchema,
  GetServerInfoResponseSchema,
  GetServerTimeResponseSchema,
  type PublicService,
  RoomPasswordPolicy,
} from "../../../gen/synctv/v1/public_service_pb.js";
import { publicSettingsOf } from "../../core/server-info/public-settings.js";
import { describeServer, type ServerIdentity } from "../../core/server-info/server-description.js";
import { probeServerTime } from "../../core/server-info/server-time.js";
import type { RuntimeSettingsSource } from "../../core/settings/runtime-settings.js";
import type { Clock } from "../../infra/clock.js";
import { receivedAtKey, requestHostKey } from "../context.js";

export interface PublicServiceDeps {
  clock: Clock;
  identity: ServerIdentity;
  settings: RuntimeSettingsSource;
}

const passwordPolicy = {
  optional: RoomPasswordPolicy.OPTIONAL,
  required: RoomPasswordPolicy.REQUIRED,
  forbidden: RoomPasswordPolicy.FORBIDDEN,
} as const;

export function publicServiceImpl(deps: PublicServiceDeps): ServiceImpl<typeof PublicService> {
  return {
    getServerTime(req, ctx) {
      const probe = probeServerTime(Number(req.clientTimeMs), ctx.values.get(receivedAtKey), deps.clock);
      return create(GetServerTimeResponseSchema, {
        clientTimeMs: BigInt(probe.clientTimeMs),
        serverReceivedMs: BigInt(probe.serverReceivedMs),
        serverSentMs: BigInt(probe.serverSentMs),
      });
    },
    getServerInfo(_req, ctx) {
      const d = describeServer(deps.identity, deps.settings.current().server.name, ctx.values.get(requestHostKey));
      return create(GetServerInfoResponseSchema, d);
    },
    getPublicSettings() {
      const p = publicSettingsOf(deps.settings.current());
      return create(GetPublicSettingsResponseSchema, {
        ...p,
        roomCreation: { ...p.roomCreation, passwordPolicy: passwordPolicy[p.roomCreation.passwordPolicy] },
        defaultMaxMembers: BigInt(p.defaultMaxMembers),
        uploadLimits: {
          avatarMaxBytes: BigInt(p.uploadLimits.avatarMaxBytes),
          coverMaxBytes: BigInt(p.uploadLimits.coverMaxBytes),
          chatAttachmentMaxBytes: BigInt(p.uploadLimits.chatAttachmentMaxBytes),
        },
      });
    },
  };
}
