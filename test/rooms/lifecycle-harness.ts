// Shared set-up for the room lifecycle, settings and discovery suites: the whole node (accounts,
// guest tokens, UserService) plus the room lifecycle RPCs, and small database helpers.
//
// TEMPORARY wiring: until the composition root mounts `roomLifecycleHandlers` / `listMyRoomsHandler`,
// a second API listener on the node's own database serves RoomService and UserService with them,
// built exactly as main.ts will build them. Once wired, `roomsUrl` becomes `t.baseUrl` and the
// sidecar goes away.
import { Writable } from "node:stream";
import { and, asc, eq } from "drizzle-orm";
import { expect } from "vitest";
import { AuthService } from "../../gen/synctv/v1/auth_service_pb.js";
import { RoomService } from "../../gen/synctv/v1/room_service_pb.js";
import { UserService } from "../../gen/synctv/v1/user_service_pb.js";
import { buildApiServer } from "../../src/api/api-server.js";
import { bearerAuthenticator } from "../../src/api/bearer-authenticator.js";
import { authServiceImpl } from "../../src/api/services/auth-service.js";
import { roomLifecycleHandlers } from "../../src/api/services/room-service-rooms.js";
import { userServiceImpl } from "../../src/api/services/user-service.js";
import { listMyRoomsHandler } from "../../src/api/services/user-service-rooms.js";
import { unimplementedService } from "../../src/api/unimplemented.js";
import { assembleAuth } from "../../src/auth-assembly.js";
import type { PublicIdCodec } from "../../src/core/ids/public-id-codec.js";
import { createRoomLifecycle, type RoomLifecycle } from "../../src/core/rooms/lifecycle/room-lifecycle.js";
import { RoomAccess } from "../../src/core/rooms/room-access.js";
import { SettingsSnapshot } from "../../src/core/settings/settings-snapshot.js";
import { UserProfiles } from "../../src/core/users/user-profiles.js";
import { systemClock } from "../../src/infra/clock.js";
import { ObservableWriter } from "../../src/infra/db/events/observable-writer.js";
import {
  type RoomMemberRole,
  roomMembers,
  roomMemberVersions,
  roomResourceEvents,
  rooms,
  settings as settingsTable,
} from "../../src/infra/db/schema/index.js";
import { createLogger } from "../../src/infra/logging/logger.js";
import { cryptoRandom } from "../../src/infra/random.js";
import { createMemoryStore } from "../../src/infra/store/index.js";
import { idCodecOf, signUp, type TestAccount } from "../support/accounts.js";
import { callJson, type JsonCallResult } from "../support/connect-json.js";
import { startTestNode, type TestNode } from "../support/node-harness.js";

export interface RoomsNode {
  t: TestNode;
  /** Where RoomService and UserService.ListMyRooms are served (see the note at the top). */
  roomsUrl: string;
  ids: PublicIdCodec;
  lifecycle: RoomLifecycle;
  /** The rooms side's runtime settings snapshot; `setRuntimeSetting` reloads it. */
  runtime: SettingsSnapshot;
  close(): Promise<void>;
}

export const ROOMS_ENV = {
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_AUTH: "1000",
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WRITE: "100000",
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_READ: "100000",
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_GUEST: "100000",
};

export async function startRoomsNode(): Promise<RoomsNode> {
  const t = await startTestNode(ROOMS_ENV);
  const log = createLogger({
    level: "warn",
    format: "json",
    nodeId: "rooms-sidecar",
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  const clock = systemClock;
  const runtime = await SettingsSnapshot.open(t.database, log);
  const store = createMemoryStore({ clock });
  const auth = await assembleAuth({
    config: t.loaded.config,
    database: t.database,
    store,
    fallbackStore: store,
    settings: runtime,
    clock,
    log,
    onFallback: () => {},
  });
  // ── what the composition root constructs ──
  const lifecycle = createRoomLifecycle({
    database: t.database,
    writer: new ObservableWriter(t.database, { clock }),
    settings: runtime,
    clock,
    random: cryptoRandom,
    opaque: auth.opaque,
    ids: auth.ids,
    access: new RoomAccess(t.database, runtime, clock),
    guests: auth.guestAdmission,
  });
  const api = await buildApiServer({
    host: "127.0.0.1",
    port: 0,
    corsAllowedOrigins: [],
    trustedProxies: [],
    maxMessageBytes: 16 * 1024 * 1024,
    log,
    clock,
    authenticator: bearerAuthenticator(auth.verifier),
    rateLimiter: auth.limiter,
    routes: (router) => {
      router.service(RoomService, {
        ...unimplementedService(RoomService),
        ...roomLifecycleHandlers({ rooms: lifecycle, ids: auth.ids }),
      });
      router.service(UserService, {
        ...unimplementedService(UserService),
        ...userServiceImpl({ profiles: new UserProfiles(t.database), ids: auth.ids }),
        ...listMyRoomsHandler({ myRooms: lifecycle.myRooms, ids: auth.ids }),
      });
      router.service(AuthService, authServiceImpl(auth.api));
    },
  });
  const address = await api.listen();
  const node: RoomsNode = {
    t,
    roomsUrl: `http://127.0.0.1:${address.port}`,
    ids: idCodecOf(t),
    lifecycle,
    runtime,
    async close() {
      await api.close(0);
      await runtime.close();
      await auth.opaque.close();
      await store.close();
      await t.close();
    },
  };
  // Suites create many rooms per owner; the quota test lowers this itself.
  await setRuntimeSetting(node, "roomCreation.maxRoomsPerUser", TEST_ROOM_QUOTA);
  return node;
}

export const TEST_ROOM_QUOTA = 1000;

export type Json = Record<string, unknown>;

export function rpc<T = Json>(n: RoomsNode, method: string, body: unknown, token?: string): Promise<JsonCallResult<T>> {
  const service = method === "ListMyRooms" ? "synctv.v1.UserService" : "synctv.v1.RoomService";
  return callJson<T>(n.roomsUrl, `${service}/${method}`, body, token);
}

export interface CreatedRoom {
  id: string;
  roomId: number;
  room: Json;
}

export async function createRoom(n: RoomsNode, owner: TestAccount, body: Json = {}): Promise<CreatedRoom> {
  const r = await rpc<{ room: Json & { id: string } }>(
    n,
    "CreateRoom",
    { name: `room ${Math.random().toString(36).slice(2, 10)}`, ...body },
    owner.accessToken,
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return { id: r.body.room.id, roomId: n.ids.decode("room", r.body.room.id), room: r.body.room };
}

/** Expects a failure with this app code. */
export function expectCode(r: JsonCallResult<unknown>, code: number): void {
  expect(r.errorInfo?.errorCode, `${r.status} ${JSON.stringify(r.body)}`).toBe(code);
}

/** A stored membership, as JoinRoom/AddMember would leave it (those RPCs belong to the members issue). */
export async function addMember(
  n: RoomsNode,
  roomId: number,
  userId: number,
  role: RoomMemberRole = 3,
  overrides: Partial<typeof roomMembers.$inferInsert> = {},
): Promise<void> {
  const db = n.t.database.db;
  await db.insert(roomMembers).values({ roomId, userId, role, visitCount: 1, lastVisitedAt: new Date(), ...overrides });
  await db.insert(roomMemberVersions).values({ roomId, userId, isMember: true });
}

/** Writes a runtime setting row and reloads the rooms side's snapshot (08 §5). */
export async function setRuntimeSetting(n: RoomsNode, key: string, value: unknown): Promise<void> {
  await n.t.database.db
    .insert(settingsTable)
    .values({ key, value: { v: value } })
    .onConflictDoUpdate({ target: settingsTable.key, set: { value: { v: value } } });
  await n.runtime.reload();
}

export async function eventsOf(n: RoomsNode, roomId: number) {
  return n.t.database.db
    .select({
      roomSeq: roomResourceEvents.roomSeq,
      resourceType: roomResourceEvents.resourceType,
      eventType: roomResourceEvents.eventType,
      userId: roomResourceEvents.userId,
      payload: roomResourceEvents.payload,
    })
    .from(roomResourceEvents)
    .where(eq(roomResourceEvents.roomId, roomId))
    .orderBy(asc(roomResourceEvents.roomSeq));
}

export async function guestVersionOf(n: RoomsNode, roomId: number): Promise<number> {
  const [row] = await n.t.database.db.select({ gv: rooms.guestVersion }).from(rooms).where(eq(rooms.id, roomId));
  return row?.gv ?? 0;
}

/** A guest token from the node's AuthService (room must admit guests). */
export async function guestToken(n: RoomsNode, roomPublicId: string): Promise<string> {
  const r = await callJson<{ token: string }>(n.t.baseUrl, "synctv.v1.AuthService/CreateGuestToken", {
    roomId: roomPublicId,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.token;
}

/**
 * The app code a guest token gets on a non-room RPC: 4008 while the token is valid (guests may not
 * use `user` RPCs), 1004 once it has been revoked.
 */
export async function guestTokenCode(n: RoomsNode, token: string): Promise<number | undefined> {
  const r = await callJson(n.t.baseUrl, "synctv.v1.UserService/GetProfile", {}, token);
  return r.errorInfo?.errorCode;
}

export async function memberRole(n: RoomsNode, roomId: number, userId: number): Promise<number | null> {
  const [row] = await n.t.database.db
    .select({ role: roomMembers.role })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
  return row?.role ?? null;
}

export const users = (n: RoomsNode, prefix = "room") => signUp(n.t, prefix);
