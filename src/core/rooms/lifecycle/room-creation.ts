// CreateRoom (spec 04 §2.2): switch (4012), quota (3103), name rules and per-owner uniqueness (2102),
// password policy (3110), settings = defaults overlaid with the request's set fields; then one
// transaction, serialised per creator, writes the room, its settings, the CREATOR member, the
// membership version, the optional OPAQUE record and the `room.created` event.
import { sql } from "drizzle-orm";
import {
  RoomMemberRole,
  roomMembers,
  roomPasswordCredentials,
  roomPlaybackState,
  roomSettings,
  rooms,
} from "../../../infra/db/schema/index.js";
import { constraintOf, SqlState, sqlStateOf } from "../../../infra/db/sql-state.js";
import type { Actor } from "../../actor.js";
import { requireUser } from "../../auth/access.js";
import { OPAQUE_CIPHERSUITE, OPAQUE_SETUP_VERSION } from "../../auth/opaque/opaque-service.js";
import { AppCode, permissionDenied, unimplemented } from "../../errors.js";
import { bumpMembershipVersion } from "../../members/membership-rows.js";
import { ALL_PERMISSIONS, assertRoomDeltaEdit } from "../../permissions/index.js";
import type { RuntimeSettings } from "../../settings/runtime-settings.js";
import { defaultRoomSettings, type RoomSettingsDocument, storeRoomSettings } from "../room-settings-document.js";
import { assertPasswordPolicy, checkRoomPassword, roomPasswordIdentifier } from "../settings/password-rules.js";
import { applySettingsPatch, pathsOfSetFields, type RoomSettingsPatch } from "../settings/settings-patch.js";
import type { RoomLifecycleDeps } from "./lifecycle-deps.js";
import { roomEvent } from "./room-events.js";
import { normalizeRoomDescription, normalizeRoomName } from "./room-text.js";
import { loadRoomView, type RoomView } from "./room-views.js";
import {
  assertOwnerNameFree,
  assertOwnerQuota,
  lockOwnerScope,
  ROOM_NAME_INDEX,
  roomNameTaken,
} from "./room-writes.js";

export interface CreateRoomInput {
  name: string;
  description: string;
  password?: string | undefined;
  /** Defaults to true. */
  isPublic?: boolean | undefined;
  /** Every set field counts (no mask); the creator may set admin deltas too. */
  settings?: RoomSettingsPatch | undefined;
}

export class RoomCreation {
  constructor(private readonly deps: RoomLifecycleDeps) {}

  async create(actor: Actor, input: CreateRoomInput): Promise<RoomView> {
    const user = requireUser(actor);
    const { database, settings: runtimeSource, writer, clock } = this.deps;
    const runtime = runtimeSource.current();
    assertCreationOpen(runtime);

    // Cheap checks first, outside any lock, so a doomed request never costs an OPAQUE registration;
    // the quota and the name are checked again under the owner lock below.
    await assertOwnerQuota(database.db, user.userId, runtime.roomCreation.maxRoomsPerUser);
    const name = normalizeRoomName(input.name);
    const description = normalizeRoomDescription(input.description);
    await assertOwnerNameFree(database.db, user.userId, name);
    const password = input.password === undefined ? undefined : checkRoomPassword(input.password);
    assertPasswordPolicy(runtime.roomCreation.passwordPolicy, password !== undefined);
    const document = initialSettings(runtime, input.settings ?? {});

    // The OPAQUE identifier names the public room id, and key stretching must not run inside a
    // transaction (PGlite has one connection): reserve the id first, register, then insert.
    const roomId = await this.#reserveRoomId();
    const credential =
      password === undefined
        ? undefined
        : await this.deps.opaque.registerPassword(
            roomPasswordIdentifier(this.deps.ids.encode("room", roomId)),
            password,
          );

    try {
      await writer.run(async (tx, events) => {
        await lockOwnerScope(tx, user.userId);
        const current = runtimeSource.current();
        assertCreationOpen(current);
        await assertOwnerQuota(tx, user.userId, current.roomCreation.maxRoomsPerUser);
        await assertOwnerNameFree(tx, user.userId, name);
        assertPasswordPolicy(current.roomCreation.passwordPolicy, password !== undefined);

        const isPublic = input.isPublic ?? true;
        await tx.insert(rooms).values({ id: roomId, name, description, createdBy: user.userId, isPublic });
        await tx.insert(roomSettings).values({ roomId, settings: storeRoomSettings(document) });
        // Every room has exactly one playback state row, empty until something plays (06 §3.3).
        await tx.insert(roomPlaybackState).values({ roomId });
        await tx.insert(roomMembers).values({
          roomId,
          userId: user.userId,
          role: RoomMemberRole.creator,
          lastVisitedAt: new Date(clock.now()),
          visitCount: 1,
        });
        await bumpMembershipVersion(tx, roomId, user.userId, true, clock.now());
        if (credential !== undefined) {
          await tx.insert(roomPasswordCredentials).values({
            roomId,
            enabled: true,
            opaqueRecord: credential.registrationRecord,
            opaqueCredentialIdentifier: Buffer.from(roomPasswordIdentifier(this.deps.ids.encode("room", roomId))),
            opaqueCiphersuite: OPAQUE_CIPHERSUITE,
            opaqueServerSetupVersion: OPAQUE_SETUP_VERSION,
          });
        }
        await events.append(
          roomEvent(roomId, "room.created", user.userId, {
            name,
            isPublic,
            hasPassword: credential !== undefined,
            settings: storeRoomSettings(document),
          }),
        );
      });
    } catch (error) {
      // Only reachable if some writer skipped the owner lock; the index still keeps names unique.
      if (sqlStateOf(error) === SqlState.uniqueViolation && constraintOf(error) === ROOM_NAME_INDEX) {
        throw roomNameTaken();
      }
      throw error;
    }
    return loadRoomView(database.db, roomId, runtimeSource.current(), clock.now());
  }

  async #reserveRoomId(): Promise<number> {
    // A gap in ids when the creation then fails is harmless; ids are never reused.
    const [row] = await this.deps.database.db
      .select({ id: sql<number>`nextval(pg_get_serial_sequence('rooms', 'id'))`.mapWith(Number) })
      .from(sql`(SELECT 1) AS reservation`);
    if (row === undefined || !Number.isSafeInteger(row.id) || row.id <= 0)
      throw new Error("could not reserve a room id");
    return row.id;
  }
}

function assertCreationOpen(runtime: RuntimeSettings): void {
  if (!runtime.roomCreation.enabled) {
    throw permissionDenied("Room creation is disabled", { code: AppCode.ROOM_CREATION_DISABLED });
  }
  // P2: with approval required, CreateRoom files a creation request instead of a room.
  if (runtime.roomCreation.approvalRequired) throw unimplemented("Room creation requests are not available yet");
}

/** Defaults overlaid with the request's set fields, validated like an update by the creator (04 §2.2 step 5). */
function initialSettings(runtime: RuntimeSettings, patch: RoomSettingsPatch): RoomSettingsDocument {
  const defaults = defaultRoomSettings(runtime);
  const paths = pathsOfSetFields(patch);
  if (paths.length === 0) return defaults;
  const { next, deltaChange } = applySettingsPatch(defaults, defaults, patch, paths);
  assertRoomDeltaEdit({ actorRole: "CREATOR", actorEffective: ALL_PERMISSIONS, change: deltaChange });
  return next;
}
