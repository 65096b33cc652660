// Which termination code a failed re-validation of an open connection carries (spec 03 §2.2).
import { RealtimeTerminationCode } from "../../gen/synctv/v1/realtime_pb.js";
import { AppCode, type DomainError } from "../core/errors.js";
import type { TicketActor } from "../core/realtime/websocket-tickets.js";

export function terminationOfGateFailure(err: DomainError, actor: TicketActor): RealtimeTerminationCode {
  if (err.kind === "NOT_FOUND") return RealtimeTerminationCode.ROOM_DELETED;
  if (err.kind === "UNAUTHENTICATED") return RealtimeTerminationCode.USER_ACCESS_REVOKED;
  switch (err.code) {
    case AppCode.ROOM_BANNED:
      return RealtimeTerminationCode.ROOM_BANNED;
    case AppCode.ROOM_CREATOR_INACTIVE:
      return RealtimeTerminationCode.ROOM_OWNER_INACTIVE;
    case AppCode.NOT_A_MEMBER:
      return actor.kind === "guest"
        ? RealtimeTerminationCode.GUEST_ACCESS_REVOKED
        : RealtimeTerminationCode.ROOM_MEMBERSHIP_REVOKED;
    default:
      return RealtimeTerminationCode.ROOM_ACCESS_REVOKED;
  }
}
