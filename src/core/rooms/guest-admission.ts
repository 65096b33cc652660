// Whether guests may be in a room (spec 04 §6, 05 §3.6): runtime `user.enableGuest`; the room
// exists, is not deleted, its creator active, not banned, ACTIVE (open), public, allows guests and
// has no password. Checked when a guest token is issued and again on every guest use, together
// with the token's guest version (`gv`) and the global guest epoch (`ge`).
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Clock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database.js";
import { roomPasswordCredentials, roomSettings, rooms, settingsGeneration } from "../../infra/db/schema/index.js";
import { ProfileStatus, userAccountProfiles } from "../../infra/db/views/user-account-profiles.js";
import type { RuntimeSettingsSource } from "../settings/runtime-settings.js";
import { activeRoomBanOf } from "./active-room-ban.js";

export interface GuestRoomState {
  /** Every admission condition holds right now. */
  admits: boolean;
  guestVersion: number;
  guestEpoch: number;
}

export class GuestAdmission {
  constructor(
    private readonly database: Database,
    private readonly settings: RuntimeSettingsSource,
    private readonly clock: Clock,
  ) {}

  /** null: no such live room. */
  async roomState(roomId: number): Promise<GuestRoomState | null> {
    const activeBan = activeRoomBanOf(this.database.db, this.clock.now());
    const [row] = await this.database.db
      .select({
        guestVersion: rooms.guestVersion,
        isPublic: rooms.isPublic,
        closedAt: rooms.closedAt,
        allowGuestJoin: sql<boolean>`coalesce((${roomSettings.settings}->>'allowGuestJoin')::boolean, false)`,
        hasPassword: sql<boolean>`coalesce(${roomPasswordCredentials.enabled}, false)`,
        banned: sql<boolean>`exists(${activeBan})`,
        creatorStatus: userAccountProfiles.status,
        creatorDeletedAt: userAccountProfiles.deletedAt,
        guestEpoch: settingsGeneration.guestEpoch,
      })
      .from(rooms)
      .innerJoin(userAccountProfiles, eq(userAccountProfiles.id, rooms.createdBy))
      .leftJoin(roomSettings, eq(roomSettings.roomId, rooms.id))
      .leftJoin(roomPasswordCredentials, eq(roomPasswordCredentials.roomId, rooms.id))
      .innerJoin(settingsGeneration, eq(settingsGeneration.id, 1))
      .where(and(eq(rooms.id, roomId), isNull(rooms.deletedAt)));
    if (!row) return null;
    const admits =
      this.settings.current().user.enableGuest &&
      row.creatorDeletedAt === null &&
      row.creatorStatus === ProfileStatus.active &&
      !row.banned &&
      row.closedAt === null &&
      row.isPublic &&
      row.allowGuestJoin &&
      !row.hasPassword;
    return { admits, guestVersion: Number(row.guestVersion), guestEpoch: Number(row.guestEpoch) };
  }

  /** A guest token stays valid only while the room admits guests and neither version moved. */
  async stillAdmitted(roomId: number, token: { gv: number; ge: number }): Promise<boolean> {
    const state = await this.roomState(roomId);
    return state?.admits === true && state.guestVersion === token.gv && state.guestEpoch === token.ge;
  }
}
