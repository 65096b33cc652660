// Builders for the membership suites (JoinRoom, members, kicks, reviews): a node with generous rate
// limits, users with real access tokens minted without the cost of a signup, rooms, stored members, a
// real OPAQUE room password, and the durable member events a change leaves behind.
import { and, asc, eq } from "drizzle-orm";
import type { GlobalRole } from "../../src/core/actor.js";
import { createOpaqueService } from "../../src/core/auth/opaque/opaque-service.js";
import { TokenCodec } from "../../src/core/auth/tokens/token-codec.js";
import type { PublicIdCodec } from "../../src/core/ids/public-id-codec.js";
import { systemClock } from "../../src/infra/clock.js";
import type { DbExecutor } from "../../src/infra/db/database-port.js";
import {
  type JsonObject,
  RoomMemberRole,
  roomMembers,
  roomMemberVersions,
  roomPasswordCredentials,
  roomResourceEvents,
} from "../../src/infra/db/schema/index.js";
import { cryptoRandom } from "../../src/infra/random.js";
import { idCodecOf } from "../support/accounts.js";
import { callJson, type JsonCallResult } from "../support/connect-json.js";
import { insertRoom, insertUser, type RoomOverrides } from "../support/fixtures/index.js";
import { startTestNode, type TestNode } from "../support/node-harness.js";

export interface MembersNode {
  t: TestNode;
  ids: PublicIdCodec;
  db: DbExecutor;
  /** POST synctv.v1.RoomService/<method> as Connect JSON. */
  room<T = Record<string, unknown>>(method: string, body: unknown, token?: string): Promise<JsonCallResult<T>>;
  close(): Promise<void>;
}

export async function startMembersNode(env: Record<string, string> = {}): Promise<MembersNode> {
  const t = await startTestNode({
    SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_AUTH: "10000",
    SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WRITE: "10000",
    SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_READ: "10000",
    SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_GUEST: "10000",
    ...env,
  });
  return {
    t,
    ids: idCodecOf(t),
    db: t.database.db,
    room: (method, body, token) => callJson(t.baseUrl, `synctv.v1.RoomService/${method}`, body, token),
    close: () => t.close(),
  };
}

export interface TestUser {
  id: number;
  publicId: string;
  username: string;
  token: string;
}

/** A stored user with a valid access token (signed with the node's secret; `pv` 1 matches the fixture credential). */
export async function mintUser(
  n: MembersNode,
  options: { role?: GlobalRole; banned?: boolean } = {},
): Promise<TestUser> {
  const user = await insertUser(n.db, { role: options.role ?? "USER", banned: options.banned });
  const jwt = n.t.loaded.config.jwt;
  const codec = new TokenCodec({
    secret: jwt.secret,
    issuer: jwt.issuer,
    audience: jwt.audience,
    accessTtlSeconds: jwt.access_ttl_seconds,
    refreshTtlSeconds: jwt.refresh_ttl_seconds,
    guestTtlSeconds: jwt.guest_ttl_seconds,
    leewaySeconds: jwt.leeway_seconds,
    clock: systemClock,
    random: cryptoRandom,
  });
  const publicId = n.ids.encode("usr", user.id);
  const issued = await codec.issueAccess({ userPublicId: publicId, sid: `s${user.id}x`, pv: 1, cbm: "password" });
  return { id: user.id, publicId, username: user.username, token: issued.token };
}

export interface TestRoom {
  id: number;
  publicId: string;
}

export async function makeRoom(n: MembersNode, overrides: RoomOverrides): Promise<TestRoom> {
  const room = await insertRoom(n.db, overrides);
  return { id: room.id, publicId: n.ids.encode("room", room.id) };
}

/** A stored member as an admission would leave it (row + membership version). */
export async function addStoredMember(
  db: DbExecutor,
  roomId: number,
  userId: number,
  role: "ADMIN" | "MEMBER" = "MEMBER",
): Promise<void> {
  await db.insert(roomMembers).values({
    roomId,
    userId,
    role: role === "ADMIN" ? RoomMemberRole.admin : RoomMemberRole.member,
    lastVisitedAt: new Date(),
    visitCount: 1,
  });
  await db.insert(roomMemberVersions).values({ roomId, userId, isMember: true }).onConflictDoNothing();
}

/** Replaces the room's password with a real OPAQUE record of `password`, as SetRoomPassword would. */
export async function setRealRoomPassword(n: MembersNode, roomId: number, password: string): Promise<void> {
  const opaque = await createOpaqueService({
    serverSetup: n.t.loaded.config.security.opaque_server_setup_secret,
    poolSize: 1,
  });
  try {
    const identifier = `room:${n.ids.encode("room", roomId)}`;
    const { registrationRecord } = await opaque.registerPassword(identifier, password);
    const values = {
      opaqueRecord: registrationRecord,
      opaqueCredentialIdentifier: new Uint8Array(Buffer.from(identifier)),
      opaqueCiphersuite: "ristretto255-tripledh-sha512-argon2id",
      opaqueServerSetupVersion: 1,
      enabled: true,
    };
    await n.db
      .insert(roomPasswordCredentials)
      .values({ roomId, ...values })
      .onConflictDoUpdate({ target: roomPasswordCredentials.roomId, set: values });
  } finally {
    await opaque.close();
  }
}

export interface MemberEventRow {
  roomSeq: number;
  eventType: string;
  userId: number | null;
  actorUserId: number | null;
  aggregateVersion: number | null;
  payload: JsonObject | null;
}

/** The room's durable member events in room_seq order. */
export async function memberEvents(db: DbExecutor, roomId: number): Promise<MemberEventRow[]> {
  const rows = await db
    .select({
      roomSeq: roomResourceEvents.roomSeq,
      eventType: roomResourceEvents.eventType,
      userId: roomResourceEvents.userId,
      actorUserId: roomResourceEvents.actorUserId,
      aggregateVersion: roomResourceEvents.aggregateVersion,
      payload: roomResourceEvents.payload,
    })
    .from(roomResourceEvents)
    .where(and(eq(roomResourceEvents.roomId, roomId), eq(roomResourceEvents.resourceType, "room_member")))
    .orderBy(asc(roomResourceEvents.roomSeq));
  return rows.map((r) => ({ ...r, roomSeq: r.roomSeq ?? 0 }));
}

/** The (room, user) membership version, or null when none was ever written. */
export async function membershipVersion(db: DbExecutor, roomId: number, userId: number): Promise<number | null> {
  const [row] = await db
    .select({ version: roomMemberVersions.version })
    .from(roomMemberVersions)
    .where(and(eq(roomMemberVersions.roomId, roomId), eq(roomMemberVersions.userId, userId)));
  return row?.version ?? null;
}

export async function isMember(db: DbExecutor, roomId: number, userId: number): Promise<boolean> {
  const [row] = await db
    .select({ userId: roomMembers.userId })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
  return row !== undefined;
}
