// Builders for the playback suites: a node with generous rate limits, a room with a creator, an admin, a
// plain member and direct-URL media, PlaybackService calls as Connect JSON, the durable playback events a
// change leaves, and a PlaybackDomain wired straight to the node's database (for worker-style calls).
import { and, asc, eq } from "drizzle-orm";
import { expect } from "vitest";
import { createPlaybackDomain, type PlaybackDomain } from "../../src/core/playback/playback-domain.js";
import { RoomAccess } from "../../src/core/rooms/room-access.js";
import { defaultRuntimeSettings } from "../../src/core/settings/runtime-settings.js";
import { type Clock, systemClock } from "../../src/infra/clock.js";
import { ObservableWriter } from "../../src/infra/db/events/observable-writer.js";
import { type JsonObject, media, roomResourceEvents } from "../../src/infra/db/schema/index.js";
import { cryptoRandom } from "../../src/infra/random.js";
import {
  type MembersNode,
  makeRoom,
  mintUser,
  startMembersNode,
  type TestRoom,
  type TestUser,
} from "../rooms/members-fixtures.js";
import { callJson, type JsonCallResult } from "../support/connect-json.js";
import { directUrlConfig, insertMedia, insertMember } from "../support/fixtures/index.js";

export interface PlaybackNode extends MembersNode {
  /** POST synctv.v1.PlaybackService/<method> as Connect JSON. */
  playback<T = WireStateResponse>(method: string, body: unknown, token?: string): Promise<JsonCallResult<T>>;
}

export interface WireState {
  roomId: string;
  playingMediaId?: string;
  position?: number;
  anchorAt?: string;
  speed?: number;
  playing?: boolean;
  version?: string;
  generation?: string;
  playbackKind?: string;
  historyCursorId?: string;
  serverTimeMs?: string;
  clientOperationId?: string;
}

export interface WireStateResponse {
  playbackState: WireState;
}

export async function startPlaybackNode(): Promise<PlaybackNode> {
  const n = await startMembersNode({ SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_MEDIA: "10000" });
  return {
    ...n,
    playback: (method, body, token) => callJson(n.t.baseUrl, `synctv.v1.PlaybackService/${method}`, body, token),
  };
}

export interface PlaybackRoom extends TestRoom {
  creator: TestUser;
  admin: TestUser;
  member: TestUser;
  /** Media ids in root-scope order. */
  media: { id: number; publicId: string; name: string }[];
}

/** A room with a creator, an ADMIN, a MEMBER and `mediaCount` direct-URL items at the root. */
export async function playbackRoom(
  n: PlaybackNode,
  options: { mediaCount?: number; settings?: JsonObject; allowGuestJoin?: boolean } = {},
): Promise<PlaybackRoom> {
  const creator = await mintUser(n);
  const room = await makeRoom(n, {
    createdBy: creator.id,
    settings: options.settings,
    allowGuestJoin: options.allowGuestJoin,
  });
  const admin = await mintUser(n);
  const member = await mintUser(n);
  await insertMember(n.db, room.id, admin.id, "ADMIN");
  await insertMember(n.db, room.id, member.id, "MEMBER");
  const items: PlaybackRoom["media"] = [];
  for (let i = 0; i < (options.mediaCount ?? 3); i++) {
    const m = await insertMedia(n.db, {
      roomId: room.id,
      creatorId: creator.id,
      name: `item ${i}`,
      url: `https://media.example.com/${i}.mp4`,
    });
    items.push({ id: m.id, publicId: n.ids.encode("med", m.id), name: m.name });
  }
  return { ...room, creator, admin, member, media: items };
}

/** Turns an item into a live source (its config says LIVE). */
export async function makeLive(n: PlaybackNode, mediaId: number): Promise<void> {
  await n.db
    .update(media)
    .set({ sourceConfig: { ...directUrlConfig("https://live.example.com/index.m3u8"), playbackKind: "live" } })
    .where(eq(media.id, mediaId));
}

/** Calls `method` and expects success; returns the wire state. */
export async function ok(
  n: PlaybackNode,
  method: string,
  body: Record<string, unknown>,
  token: string,
): Promise<WireState> {
  const r = await n.playback(method, body, token);
  expect(r.status, `${method}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body.playbackState;
}

export interface PlaybackEventRow {
  roomSeq: number;
  resourceType: string;
  eventType: string;
  aggregateVersion: number | null;
  payload: JsonObject | null;
}

/** The room's durable playback events (state and history) in room_seq order. */
export async function playbackEvents(n: MembersNode, roomId: number, resourceType = "playback_state") {
  const rows = await n.db
    .select({
      roomSeq: roomResourceEvents.roomSeq,
      resourceType: roomResourceEvents.resourceType,
      eventType: roomResourceEvents.eventType,
      aggregateVersion: roomResourceEvents.aggregateVersion,
      payload: roomResourceEvents.payload,
    })
    .from(roomResourceEvents)
    .where(and(eq(roomResourceEvents.roomId, roomId), eq(roomResourceEvents.resourceType, resourceType)))
    .orderBy(asc(roomResourceEvents.roomSeq));
  return rows.map((r) => ({ ...r, roomSeq: r.roomSeq ?? 0 })) as PlaybackEventRow[];
}

/** A playback domain on the node's database, as a worker on another node would hold it. */
export function directPlayback(n: MembersNode, clock: Clock = systemClock): PlaybackDomain {
  const database = n.t.database;
  const settings = { current: () => defaultRuntimeSettings };
  return createPlaybackDomain({
    database,
    writer: new ObservableWriter(database, { clock }),
    access: new RoomAccess(database, settings, clock),
    clock,
    random: cryptoRandom,
    sleep: async () => {},
  });
}
