// Get/Update/ResetRoomSettings (spec 04 §3, 02 §2.7, 06 §4.1). Writes need `manage_room_settings`
// and obey the delta rules of §9.4 rule 4; with `expected_version` a mismatch is ABORTED 2003 (never
// retried), without it the write is a compare-and-swap on the version read, retried up to 5 times.
// allowGuestJoin true→false revokes guests in the same transaction (04 §6).
import { and, eq, sql } from "drizzle-orm";
import type { DbTransaction } from "../../../infra/db/database-port.js";
import { roomSettings } from "../../../infra/db/schema/index.js";
import type { Actor } from "../../actor.js";
import { conflict } from "../../errors.js";
import { assertRoomDeltaEdit, type RoomPermissionDeltas } from "../../permissions/index.js";
import type { RoomLifecycleDeps } from "../lifecycle/lifecycle-deps.js";
import { roomEvent } from "../lifecycle/room-events.js";
import { bumpGuestVersion } from "../lifecycle/room-writes.js";
import { type RoomContext, requirePermission } from "../room-access.js";
import { defaultRoomSettings, type RoomSettingsDocument, storeRoomSettings } from "../room-settings-document.js";
import { applySettingsPatch, type RoomSettingsPatch } from "./settings-patch.js";

export interface VersionedSettings {
  settings: RoomSettingsDocument;
  version: number;
}

const CAS_ATTEMPTS = 5;
const CAS_BASE_DELAY_MS = 5;

interface PlannedWrite {
  next: RoomSettingsDocument;
  deltaChange: Partial<RoomPermissionDeltas>;
}

export class RoomSettingsService {
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: RoomLifecycleDeps) {
    this.#sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Access `room`; members keep it in banned or closed rooms. */
  async get(actor: Actor, roomId: number): Promise<VersionedSettings> {
    const ctx = await this.deps.access.enter(actor, roomId, { exception: "member-read" });
    return { settings: ctx.state.settings, version: ctx.state.settingsVersion };
  }

  async update(
    actor: Actor,
    roomId: number,
    patch: RoomSettingsPatch,
    paths: readonly string[],
    expectedVersion?: number,
  ): Promise<VersionedSettings> {
    const defaults = defaultRoomSettings(this.deps.settings.current());
    return this.#write(actor, roomId, expectedVersion, "settings.updated", (ctx) =>
      applySettingsPatch(ctx.state.settings, defaults, patch, paths),
    );
  }

  /** Back to the §3 defaults; a non-creator cannot touch the creator-only admin deltas, so they stay. */
  async reset(actor: Actor, roomId: number): Promise<VersionedSettings> {
    return this.#write(actor, roomId, undefined, "settings.reset", (ctx) => {
      const next = defaultRoomSettings(this.deps.settings.current());
      const deltaChange: Partial<RoomPermissionDeltas> = {
        memberAdded: 0n,
        memberRemoved: 0n,
        guestAdded: 0n,
        guestRemoved: 0n,
      };
      if (ctx.role === "CREATOR") {
        deltaChange.adminAdded = 0n;
        deltaChange.adminRemoved = 0n;
      } else {
        next.adminAddedPermissions = ctx.state.settings.adminAddedPermissions;
        next.adminRemovedPermissions = ctx.state.settings.adminRemovedPermissions;
      }
      return { next, deltaChange };
    });
  }

  async #write(
    actor: Actor,
    roomId: number,
    expectedVersion: number | undefined,
    eventType: "settings.updated" | "settings.reset",
    plan: (ctx: RoomContext) => PlannedWrite,
  ): Promise<VersionedSettings> {
    let lastSeen = 0;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      if (attempt > 0) await this.#sleep(this.#backoff(attempt));
      const outcome = await this.deps.writer.run(async (tx, events) => {
        // Strong check (04 §9.6): the actor's member row is read FOR SHARE inside the write.
        const ctx = await this.deps.access.enter(actor, roomId, { db: tx, lockMember: "share" });
        requirePermission(ctx, "manage_room_settings");
        const read = ctx.state.settingsVersion;
        lastSeen = read;
        if (expectedVersion !== undefined && read !== expectedVersion) throw versionConflict(read);
        const { next, deltaChange } = plan(ctx);
        assertRoomDeltaEdit({ actorRole: ctx.role, actorEffective: ctx.effective, change: deltaChange });

        const version = await compareAndSwap(tx, roomId, read, next);
        if (version === null) {
          // Someone committed in between. A client-guarded write reports it; otherwise try again.
          if (expectedVersion !== undefined) throw versionConflict(await currentVersion(tx, roomId, read));
          return null;
        }
        const revokesGuests = ctx.state.settings.allowGuestJoin && !next.allowGuestJoin;
        const guestVersion = revokesGuests ? await bumpGuestVersion(tx, roomId) : undefined;
        await events.append(
          roomEvent(
            roomId,
            eventType,
            actor.kind === "user" ? actor.userId : null,
            { settings: storeRoomSettings(next), version, ...(guestVersion === undefined ? {} : { guestVersion }) },
            version,
          ),
        );
        return { settings: next, version };
      });
      if (outcome !== null) return outcome;
    }
    throw versionConflict(lastSeen);
  }

  /** 5 ms × 2ⁿ with full jitter (06 §4.1 step 4). */
  #backoff(attempt: number): number {
    const ceiling = CAS_BASE_DELAY_MS * 2 ** attempt;
    return this.deps.random.int(0, ceiling + 1);
  }
}

async function compareAndSwap(
  tx: DbTransaction,
  roomId: number,
  expected: number,
  next: RoomSettingsDocument,
): Promise<number | null> {
  const [row] = await tx
    .update(roomSettings)
    .set({ settings: storeRoomSettings(next), version: sql`${roomSettings.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(roomSettings.roomId, roomId), eq(roomSettings.version, expected)))
    .returning({ version: roomSettings.version });
  return row?.version ?? null;
}

async function currentVersion(tx: DbTransaction, roomId: number, fallback: number): Promise<number> {
  const [row] = await tx
    .select({ version: roomSettings.version })
    .from(roomSettings)
    .where(eq(roomSettings.roomId, roomId));
  return row?.version ?? fallback;
}

const versionConflict = (current: number) =>
  conflict("The room settings changed meanwhile", { metadata: { current_version: String(current) } });
