// What the membership flows need, injected once by the composition root.
import type { Clock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database.js";
import type { ObservableWriter } from "../../infra/db/events/observable-writer.js";
import type { BruteForceGuard } from "../abuse/brute-force-guard.js";
import type { OpaqueService } from "../auth/opaque/opaque-service.js";
import type { ChatSystemHooks } from "../chat/chat-system-messages.js";
import type { PresenceReader } from "../realtime-runtime/presence-tracker.js";
import type { RoomAccess } from "../rooms/room-access.js";

export interface MembershipDeps {
  database: Database;
  /** Every membership change commits through it, with its member event. */
  writer: ObservableWriter;
  access: RoomAccess;
  clock: Clock;
  opaque: Pick<OpaqueService, "verifyPassword">;
  bruteForce: BruteForceGuard;
  /** Live presence for ListRoomMembers (counters, is_online); absent → zeros. */
  presence?: PresenceReader;
  /** The longest a guest token can be accepted (TTL + leeway): a guest kick must outlive it. */
  guestTokenLifetimeMs: number;
  /** Writes the SYSTEM_MEMBER_JOINED message in the admission's transaction; absent in narrow tests. */
  chat?: ChatSystemHooks;
}
