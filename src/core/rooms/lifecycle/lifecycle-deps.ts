// What the room lifecycle, settings and discovery flows are built from; the composition root
// constructs one of these (see createRoomLifecycle).
import type { Clock } from "../../../infra/clock.js";
import type { Database } from "../../../infra/db/database.js";
import type { ObservableWriter } from "../../../infra/db/events/observable-writer.js";
import type { Random } from "../../../infra/random.js";
import type { OpaqueService } from "../../auth/opaque/opaque-service.js";
import type { PublicIdCodec } from "../../ids/public-id-codec.js";
import type { PresenceReader } from "../../realtime-runtime/presence-tracker.js";
import type { RuntimeSettingsSource } from "../../settings/runtime-settings.js";
import type { GuestAdmission } from "../guest-admission.js";
import type { RoomAccess } from "../room-access.js";

export interface RoomLifecycleDeps {
  database: Database;
  /** The node's one ObservableWriter: every observable change commits its durable event through it. */
  writer: ObservableWriter;
  settings: RuntimeSettingsSource;
  clock: Clock;
  random: Random;
  /** Server-run OPAQUE registration of room passwords (05 §3.4). */
  opaque: Pick<OpaqueService, "registerPassword">;
  /** Only for the room password's OPAQUE identifier, which names the public room id (05 §3.3). */
  ids: PublicIdCodec;
  access: RoomAccess;
  guests: GuestAdmission;
  /** Live presence for Room.presence in reads and lists; absent → presence is left unset. */
  presence?: PresenceReader;
  /** Backoff between compare-and-swap attempts; injected so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}
