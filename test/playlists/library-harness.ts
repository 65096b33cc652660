// Core-level set-up for the library suites: a migrated database, the real access gate and writer,
// and a PlaylistLibrary; plus actors for users and guests, rooms with members, and event reads.
import { and, asc, eq } from "drizzle-orm";
import type { Actor } from "../../src/core/actor.js";
import { SSRF_DISABLED } from "../../src/core/playlists/direct-url/ssrf-target-check.js";
import type { LibraryDeps } from "../../src/core/playlists/library-deps.js";
import { PlaylistLibrary } from "../../src/core/playlists/playlist-library.js";
import { RoomAccess } from "../../src/core/rooms/room-access.js";
import { staticSettings } from "../../src/core/settings/runtime-settings.js";
import { systemClock } from "../../src/infra/clock.js";
import type { DbExecutor } from "../../src/infra/db/database-port.js";
import { ObservableWriter } from "../../src/infra/db/events/observable-writer.js";
import {
  RoomMemberRole,
  roomMembers,
  roomMemberVersions,
  roomResourceEvents,
} from "../../src/infra/db/schema/index.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { ensurePlaybackState, insertRoom, insertUser } from "../support/fixtures/index.js";

export interface LibraryHarness {
  t: TestDatabase;
  db: DbExecutor;
  deps: LibraryDeps;
  library: PlaylistLibrary;
  close(): Promise<void>;
}

export async function startLibrary(): Promise<LibraryHarness> {
  const t = await createTestDatabase();
  const deps: LibraryDeps = {
    database: t.database,
    writer: new ObservableWriter(t.database),
    access: new RoomAccess(t.database, staticSettings(), systemClock),
    clock: systemClock,
    ssrf: SSRF_DISABLED,
  };
  return { t, db: t.database.db, deps, library: new PlaylistLibrary(deps), close: () => t.drop() };
}

export function userActor(userId: number): Actor {
  return { kind: "user", userId, role: "USER", sessionId: `s${userId}`, tokenId: `t${userId}`, tokenExpiresAt: 0 };
}

export function guestActor(roomId: number): Actor {
  return { kind: "guest", guestId: "gst_test", roomId };
}

export interface LibraryRoom {
  roomId: number;
  /** The room's creator. */
  owner: Actor;
  ownerId: number;
  /** An ADMIN member (default admin bits: delete_media, reorder_media, clear_media). */
  admin: Actor;
  adminId: number;
  /** A MEMBER (default: manage_own_media, browse_library; no delete/reorder/clear). */
  member: Actor;
  memberId: number;
  /** A signed-in user who is not a member. */
  stranger: Actor;
}

export async function libraryRoom(db: DbExecutor): Promise<LibraryRoom> {
  const owner = await insertUser(db);
  const admin = await insertUser(db);
  const member = await insertUser(db);
  const stranger = await insertUser(db);
  const room = await insertRoom(db, { createdBy: owner.id });
  await ensurePlaybackState(db, room.id);
  for (const [userId, role] of [
    [admin.id, RoomMemberRole.admin],
    [member.id, RoomMemberRole.member],
  ] as const) {
    await db.insert(roomMembers).values({ roomId: room.id, userId, role, lastVisitedAt: new Date(), visitCount: 1 });
    await db.insert(roomMemberVersions).values({ roomId: room.id, userId, isMember: true });
  }
  return {
    roomId: room.id,
    owner: userActor(owner.id),
    ownerId: owner.id,
    admin: userActor(admin.id),
    adminId: admin.id,
    member: userActor(member.id),
    memberId: member.id,
    stranger: userActor(stranger.id),
  };
}

export interface LibraryEventRow {
  roomSeq: number;
  resourceType: string;
  eventType: string;
}

/** The room's durable events in room_seq order. */
export async function roomEvents(db: DbExecutor, roomId: number): Promise<LibraryEventRow[]> {
  const rows = await db
    .select({
      roomSeq: roomResourceEvents.roomSeq,
      resourceType: roomResourceEvents.resourceType,
      eventType: roomResourceEvents.eventType,
    })
    .from(roomResourceEvents)
    .where(and(eq(roomResourceEvents.roomId, roomId)))
    .orderBy(asc(roomResourceEvents.roomSeq));
  return rows.map((r) => ({ ...r, roomSeq: r.roomSeq ?? 0 }));
}

/** A one-URL direct source as a client would send it. */
export function directSource(url = "https://cdn.example.com/movie.mp4") {
  return {
    provider: "direct_url" as const,
    config: { medias: [{ name: "", url, headers: {} }] },
  };
}

export function newMedia(name: string, url?: string) {
  return { name, description: "", providerInstanceName: "", source: directSource(url) };
}
