// Set/ClearRoomPassword (spec 04 §4, 05 §3.4): `manage_room_settings`; the runtime policy blocks
// setting (FORBIDDEN) or clearing (REQUIRED) with 3110. The record is an OPAQUE registration run on the
// server; every set or clear bumps `password_version`, and a set (or change) also revokes guests.
import { and, eq, sql } from "drizzle-orm";
import { roomPasswordCredentials } from "../../../infra/db/schema/index.js";
import type { Actor } from "../../actor.js";
import { OPAQUE_CIPHERSUITE, OPAQUE_SETUP_VERSION } from "../../auth/opaque/opaque-service.js";
import type { RoomLifecycleDeps } from "../lifecycle/lifecycle-deps.js";
import { roomEvent } from "../lifecycle/room-events.js";
import { bumpGuestVersion } from "../lifecycle/room-writes.js";
import { type RoomContext, requirePermission } from "../room-access.js";
import { assertPasswordPolicy, checkRoomPassword, roomPasswordIdentifier } from "./password-rules.js";

export interface RoomPasswordStatus {
  hasPassword: boolean;
  passwordVersion: number;
}

export class RoomPassword {
  constructor(private readonly deps: RoomLifecycleDeps) {}

  async set(actor: Actor, roomId: number, rawPassword: string): Promise<RoomPasswordStatus> {
    const { access, writer, opaque, ids } = this.deps;
    const password = checkRoomPassword(rawPassword);
    // Checked before the key stretching so refused calls cost nothing; checked again in the write.
    this.#authorize(await access.enter(actor, roomId), true);
    const identifier = roomPasswordIdentifier(ids.encode("room", roomId));
    const { registrationRecord } = await opaque.registerPassword(identifier, password);

    return writer.run(async (tx, events) => {
      this.#authorize(await access.enter(actor, roomId, { db: tx, lockRoom: true, lockMember: "share" }), true);
      const material = {
        enabled: true,
        opaqueRecord: registrationRecord,
        opaqueCredentialIdentifier: Buffer.from(identifier),
        opaqueCiphersuite: OPAQUE_CIPHERSUITE,
        opaqueServerSetupVersion: OPAQUE_SETUP_VERSION,
      };
      const [row] = await tx
        .insert(roomPasswordCredentials)
        .values({ roomId, ...material })
        .onConflictDoUpdate({
          target: roomPasswordCredentials.roomId,
          set: {
            ...material,
            changedAt: sql`now()`,
            passwordVersion: sql`${roomPasswordCredentials.passwordVersion} + 1`,
          },
        })
        .returning({ passwordVersion: roomPasswordCredentials.passwordVersion });
      if (row === undefined) throw new Error("room password upsert returned no row");
      const guestVersion = await bumpGuestVersion(tx, roomId);
      await events.append(
        roomEvent(
          roomId,
          "room.password_set",
          actorUserId(actor),
          { passwordVersion: row.passwordVersion, guestVersion },
          row.passwordVersion,
        ),
      );
      return { hasPassword: true, passwordVersion: row.passwordVersion };
    });
  }

  /** Clearing never revokes guests: a password-free room admits no fewer of them (04 §6). */
  async clear(actor: Actor, roomId: number): Promise<RoomPasswordStatus> {
    const { access, writer } = this.deps;
    return writer.run(async (tx, events) => {
      this.#authorize(await access.enter(actor, roomId, { db: tx, lockRoom: true, lockMember: "share" }), false);
      const [row] = await tx
        .update(roomPasswordCredentials)
        .set({
          enabled: false,
          opaqueRecord: null,
          opaqueCredentialIdentifier: null,
          opaqueCiphersuite: null,
          opaqueServerSetupVersion: null,
          changedAt: sql`now()`,
          passwordVersion: sql`${roomPasswordCredentials.passwordVersion} + 1`,
        })
        .where(and(eq(roomPasswordCredentials.roomId, roomId), eq(roomPasswordCredentials.enabled, true)))
        .returning({ passwordVersion: roomPasswordCredentials.passwordVersion });
      if (row === undefined) {
        // Nothing to clear: no change, so no version bump and no event.
        const [existing] = await tx
          .select({ passwordVersion: roomPasswordCredentials.passwordVersion })
          .from(roomPasswordCredentials)
          .where(eq(roomPasswordCredentials.roomId, roomId));
        return { hasPassword: false, passwordVersion: existing?.passwordVersion ?? 0 };
      }
      await events.append(
        roomEvent(
          roomId,
          "room.password_cleared",
          actorUserId(actor),
          { passwordVersion: row.passwordVersion },
          row.passwordVersion,
        ),
      );
      return { hasPassword: false, passwordVersion: row.passwordVersion };
    });
  }

  #authorize(ctx: RoomContext, settingPassword: boolean): void {
    requirePermission(ctx, "manage_room_settings");
    assertPasswordPolicy(this.deps.settings.current().roomCreation.passwordPolicy, settingPassword);
  }
}

const actorUserId = (actor: Actor) => (actor.kind === "user" ? actor.userId : null);
