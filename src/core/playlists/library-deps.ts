// What the playlist flows need, injected once by the composition root.
import type { Clock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database.js";
import type { ObservableWriter } from "../../infra/db/events/observable-writer.js";
import type { RoomAccess } from "../rooms/room-access.js";
import type { SsrfPolicy } from "./direct-url/ssrf-target-check.js";

export interface LibraryDeps {
  database: Database;
  /** Every library change commits through it with exactly one `playlist_items` event. */
  writer: ObservableWriter;
  access: RoomAccess;
  clock: Clock;
  /** `security.ssrf`: applied to every URL stored in a direct-URL source. */
  ssrf: SsrfPolicy;
}
