// What the membership flows need, injected once by the composition root.
import type { Clock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database.js";
import type { ObservableWriter } from "../../infra/db/events/observable-writer.js";
import type { BruteForceGuard } from "../abuse/brute-force-guard.js";
import type { OpaqueService } from "../auth/opaque/opaque-service.js";
import type { RoomAccess } from "../rooms/room-access.js";

export interface MembershipDeps {
  database: Database;
  /** Every membership change commits through it, with its member event. */
  writer: ObservableWriter;
  access: RoomAccess;
  clock: Clock;
  opaque: Pick<OpaqueService, "verifyPassword">;
  bruteForce: BruteForceGuard;
  /** The longest a guest token can be accepted (TTL + leeway): a guest kick must outlive it. */
  guestTokenLifetimeMs: number;
}
