// Everything the access gate needs about one room, read in one query: the room row, its settings
// document and version, password presence, an active room ban, the creator's standing, and the
// member count.
import { and, count, eq, isNull, sql } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";
import { roomMembers, roomPasswordCredentials, roomSettings, rooms } from "../../infra/db/schema/index.js";
import { ProfileStatus, userAccountProfiles } from "../../infra/db/views/user-account-profiles.js";
import type { RuntimeSettings } from "../settings/runtime-settings.js";
import { activeRoomBanOf } from "./active-room-ban.js";
import { type RoomSettingsDocument, readRoomSettings } from "./room-settings-document.js";

export interface RoomState {
  id: number;
  name: string;
  description: string;
  createdBy: number;
  isPublic: boolean;
  closed: boolean;
  banned: boolean;
  creatorActive: boolean;
  hasPassword: boolean;
  guestVersion: number;
  version: number;
  settings: RoomSettingsDocument;
  settingsVersion: number;
  memberCount: number;
  createdAt: number;
  updatedAt: number;
  lastActivityAt: number;
}

/** null when the room does not exist or is deleted. `forUpdate` locks the room row (capacity checks). */
export async function loadRoomState(
  db: DbExecutor,
  roomId: number,
  runtime: RuntimeSettings,
  now: number,
  options: { forUpdate?: boolean } = {},
): Promise<RoomState | null> {
  const activeBan = activeRoomBanOf(db, now);
  const members = db.select({ n: count() }).from(roomMembers).where(eq(roomMembers.roomId, rooms.id));
  const query = db
    .select({
      id: rooms.id,
      name: rooms.name,
      description: rooms.description,
      createdBy: rooms.createdBy,
      isPublic: rooms.isPublic,
      closedAt: rooms.closedAt,
      guestVersion: rooms.guestVersion,
      version: rooms.version,
      createdAt: rooms.createdAt,
      updatedAt: rooms.updatedAt,
      lastActivityAt: rooms.lastActivityAt,
      settings: roomSettings.settings,
      settingsVersion: roomSettings.version,
      hasPassword: sql<boolean>`coalesce(${roomPasswordCredentials.enabled}, false)`,
      banned: sql<boolean>`exists(${activeBan})`,
      memberCount: sql<number>`(${members})`.mapWith(Number),
      creatorStatus: userAccountProfiles.status,
      creatorDeletedAt: userAccountProfiles.deletedAt,
    })
    .from(rooms)
    .innerJoin(userAccountProfiles, eq(userAccountProfiles.id, rooms.createdBy))
    .leftJoin(roomSettings, eq(roomSettings.roomId, rooms.id))
    .leftJoin(roomPasswordCredentials, eq(roomPasswordCredentials.roomId, rooms.id))
    .where(and(eq(rooms.id, roomId), isNull(rooms.deletedAt)));
  const [row] = options.forUpdate ? await query.for("update", { of: rooms }) : await query;
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdBy: row.createdBy,
    isPublic: row.isPublic,
    closed: row.closedAt !== null,
    banned: Boolean(row.banned),
    creatorActive: row.creatorDeletedAt === null && row.creatorStatus === ProfileStatus.active,
    hasPassword: Boolean(row.hasPassword),
    guestVersion: row.guestVersion,
    version: row.version,
    settings: readRoomSettings(row.settings ?? {}, runtime),
    settingsVersion: row.settingsVersion ?? 1,
    memberCount: row.memberCount,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
    lastActivityAt: row.lastActivityAt.getTime(),
  };
}
