// GetRoomDiscovery, DiscoverRooms and ListMyRooms through the API (spec 04 §5, 02 §3.2–3.3): every
// `access` row of the §5 table, anonymous GUEST vs SIGN_IN, hidden closed/banned rooms, the public
// listing with search and paging, and the caller's own room list.
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_PERMISSIONS } from "../../src/core/permissions/index.js";
import { banUser } from "../../src/core/users/user-repository.js";
import { roomJoinRequests, roomMemberKickCooldowns, rooms } from "../../src/infra/db/schema/index.js";
import type { TestAccount } from "../support/accounts.js";
import { insertRoom } from "../support/fixtures/index.js";
import {
  addMember,
  type CreatedRoom,
  createRoom,
  expectCode,
  type Json,
  type RoomsNode,
  rpc,
  startRoomsNode,
  users,
} from "./lifecycle-harness.js";

let n: RoomsNode;
let owner: TestAccount;
let viewer: TestAccount;

beforeAll(async () => {
  n = await startRoomsNode();
  [owner, viewer] = await Promise.all([users(n, "owner"), users(n, "viewer")]);
});
afterAll(async () => n?.close());

type Item = { room: Json & { id: string; settings?: Json }; joined?: boolean; canJoin?: boolean; access: string };

async function accessOf(roomId: string, token?: string): Promise<Item> {
  const r = await rpc<{ item: Item }>(n, "GetRoomDiscovery", { roomId }, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.item;
}

describe("GetRoomDiscovery access rows (04 §5)", () => {
  it("JOIN for an open room; ENTER for members, who alone see settings", async () => {
    const room = await createRoom(n, owner);
    const asViewer = await accessOf(room.id, viewer.accessToken);
    expect(asViewer).toMatchObject({ access: "ROOM_ACCESS_JOIN", canJoin: true });
    expect(asViewer.room.settings).toBeUndefined();
    const asOwner = await accessOf(room.id, owner.accessToken);
    expect(asOwner).toMatchObject({ access: "ROOM_ACCESS_ENTER", joined: true });
    expect(asOwner.room.settings).toBeDefined();
  });

  it("anonymous viewers: GUEST when every guest condition holds, otherwise SIGN_IN", async () => {
    const guests = await createRoom(n, owner, { settings: { allowGuestJoin: true } });
    expect((await accessOf(guests.id)).access).toBe("ROOM_ACCESS_GUEST");
    const noGuests = await createRoom(n, owner);
    expect((await accessOf(noGuests.id)).access).toBe("ROOM_ACCESS_SIGN_IN");
    const withPassword = await createRoom(n, owner, { settings: { allowGuestJoin: true }, password: "abcd" });
    expect((await accessOf(withPassword.id)).access).toBe("ROOM_ACCESS_SIGN_IN");
    const unlisted = await createRoom(n, owner, { settings: { allowGuestJoin: true }, isPublic: false });
    expect((await accessOf(unlisted.id)).access).toBe("ROOM_ACCESS_SIGN_IN");
  });

  const rows: [string, Json, string, boolean][] = [
    ["PASSWORD", { password: "abcd" }, "ROOM_ACCESS_PASSWORD", true],
    ["INVITATION", { settings: { allowAutoJoin: false } }, "ROOM_ACCESS_INVITATION", false],
    ["REQUEST_APPROVAL", { settings: { requireApproval: true } }, "ROOM_ACCESS_REQUEST_APPROVAL", true],
    ["FULL", { settings: { maxMembers: "1" } }, "ROOM_ACCESS_FULL", false],
  ];
  for (const [name, body, access, canJoin] of rows) {
    it(`${name}`, async () => {
      const room = await createRoom(n, owner, body);
      const item = await accessOf(room.id, viewer.accessToken);
      expect(item.access).toBe(access);
      expect(item.canJoin ?? false).toBe(canJoin);
    });
  }

  it("earlier rows win: COOLDOWN, then PENDING_APPROVAL, then PASSWORD", async () => {
    const room = await createRoom(n, owner, { password: "abcd", settings: { requireApproval: true } });
    const db = n.t.database.db;
    await db.insert(roomJoinRequests).values({ roomId: room.roomId, userId: viewer.userId });
    expect((await accessOf(room.id, viewer.accessToken)).access).toBe("ROOM_ACCESS_PENDING_APPROVAL");
    await db.insert(roomMemberKickCooldowns).values({
      roomId: room.roomId,
      userId: viewer.userId,
      kickedBy: owner.userId,
      endsAt: new Date(Date.now() + 3_600_000),
    });
    expect((await accessOf(room.id, viewer.accessToken)).access).toBe("ROOM_ACCESS_COOLDOWN");
  });

  it("closed or banned rooms: UNAVAILABLE for members, NOT_FOUND for everyone else; deleted → NOT_FOUND", async () => {
    const db = n.t.database.db;
    for (const state of [{ banned: true }, { closed: true }]) {
      const room = await insertRoom(db, { createdBy: owner.userId, ...state });
      const id = n.ids.encode("room", room.id);
      expect((await accessOf(id, owner.accessToken)).access).toBe("ROOM_ACCESS_UNAVAILABLE");
      expectCode(await rpc(n, "GetRoomDiscovery", { roomId: id }, viewer.accessToken), 2000);
      expectCode(await rpc(n, "GetRoomDiscovery", { roomId: id }), 2000);
    }
    const deleted = await createRoom(n, owner);
    await rpc(n, "DeleteRoom", { roomId: deleted.id }, owner.accessToken);
    expectCode(await rpc(n, "GetRoomDiscovery", { roomId: deleted.id }, owner.accessToken), 2000);
  });

  it("a banned creator makes the room UNAVAILABLE to everyone", async () => {
    const banned = await users(n, "banned-owner");
    const room = await createRoom(n, banned, { settings: { allowGuestJoin: true } });
    await n.t.database.tx((tx) => banUser(tx, { userId: banned.userId, bannedBy: null, reason: "t", endsAt: null }));
    expect((await accessOf(room.id, viewer.accessToken)).access).toBe("ROOM_ACCESS_UNAVAILABLE");
    expect((await accessOf(room.id)).access).toBe("ROOM_ACCESS_UNAVAILABLE");
  });
});

describe("DiscoverRooms", () => {
  /** Rooms whose names share a fresh tag, so searches see only this test's rooms. */
  async function taggedRooms(tag: string, count: number, body: Json = {}): Promise<CreatedRoom[]> {
    const out: CreatedRoom[] = [];
    for (let i = 0; i < count; i++) out.push(await createRoom(n, owner, { name: `${tag} ${i}`, ...body }));
    return out;
  }

  it("lists public, open, unbanned rooms of active creators, newest activity first, with paging and total", async () => {
    const tag = `disc${randomBytes(3).toString("hex")}`;
    const listed = await taggedRooms(tag, 3);
    await createRoom(n, owner, { name: `${tag} private`, isPublic: false });
    const db = n.t.database.db;
    await insertRoom(db, { createdBy: owner.userId, name: `${tag} closed`, closed: true });
    await insertRoom(db, { createdBy: owner.userId, name: `${tag} banned`, banned: true });
    const gone = await createRoom(n, owner, { name: `${tag} deleted` });
    await rpc(n, "DeleteRoom", { roomId: gone.id }, owner.accessToken);
    // Oldest activity first in creation order; make the first room the most recently active.
    await db
      .update(rooms)
      .set({ lastActivityAt: new Date(Date.now() + 60_000) })
      .where(eq(rooms.id, listed[0]!.roomId));

    const page1 = await rpc<{ rooms: Item[]; total: number; featuredRooms?: Item[] }>(
      n,
      "DiscoverRooms",
      { search: tag, pageSize: 2 },
      viewer.accessToken,
    );
    expect(page1.body.total).toBe(3);
    expect(page1.body.featuredRooms ?? []).toEqual([]);
    expect(page1.body.rooms.map((r) => r.room.id)).toEqual([listed[0]!.id, listed[2]!.id]);
    expect(page1.body.rooms.every((r) => r.access === "ROOM_ACCESS_JOIN" && r.room.settings === undefined)).toBe(true);
    const page2 = await rpc<{ rooms: Item[] }>(n, "DiscoverRooms", { search: tag, pageSize: 2, page: 2 });
    expect(page2.body.rooms.map((r) => [r.room.id, r.access])).toEqual([[listed[1]!.id, "ROOM_ACCESS_SIGN_IN"]]);
  });

  it("search matches names and descriptions case-insensitively and treats % and _ literally", async () => {
    const tag = `srch${randomBytes(3).toString("hex")}`;
    const byDescription = await createRoom(n, owner, { name: "plain", description: `About ${tag.toUpperCase()}` });
    await createRoom(n, owner, { name: `${tag} 100% fun` });
    const found = await rpc<{ rooms: Item[] }>(n, "DiscoverRooms", { search: tag });
    expect(found.body.rooms).toHaveLength(2);
    expect(found.body.rooms.map((r) => r.room.id)).toContain(byDescription.id);
    const literal = await rpc<{ rooms: Item[]; total?: number }>(n, "DiscoverRooms", { search: `${tag} 1_0%` });
    expect(literal.body.total ?? 0).toBe(0);
  });
});

describe("ListMyRooms", () => {
  it("lists created and joined rooms with role, effective permissions, relation and filters", async () => {
    const me = await users(n, "me");
    const mine = await createRoom(n, me, { name: "Alpha mine" });
    const joined = await createRoom(n, owner, { name: "Beta joined" });
    await addMember(n, joined.roomId, me.userId, 2);
    const closed = await insertRoom(n.t.database.db, { createdBy: owner.userId, name: "Gamma closed", closed: true });
    await addMember(n, closed.id, me.userId, 3);

    type MyRoom = { room: Json & { id: string }; role: string; permissions: string; relation: string };
    const all = await rpc<{ rooms: MyRoom[]; total: number }>(
      n,
      "ListMyRooms",
      { sortBy: "MY_ROOM_SORT_BY_NAME" },
      me.accessToken,
    );
    expect(all.body.total).toBe(3);
    expect(all.body.rooms.map((r) => [r.room.name, r.role, r.relation])).toEqual([
      ["Alpha mine", "ROOM_MEMBER_ROLE_CREATOR", "MY_ROOM_RELATION_CREATED"],
      ["Beta joined", "ROOM_MEMBER_ROLE_ADMIN", "MY_ROOM_RELATION_PARTICIPATING"],
      ["Gamma closed", "ROOM_MEMBER_ROLE_MEMBER", "MY_ROOM_RELATION_PARTICIPATING"],
    ]);
    expect(BigInt(all.body.rooms[0]!.permissions)).toBe(ALL_PERMISSIONS);

    const created = await rpc<{ rooms: MyRoom[] }>(
      n,
      "ListMyRooms",
      { relation: "MY_ROOM_RELATION_CREATED" },
      me.accessToken,
    );
    expect(created.body.rooms.map((r) => r.room.id)).toEqual([mine.id]);
    const closedOnly = await rpc<{ rooms: MyRoom[] }>(
      n,
      "ListMyRooms",
      { status: "ROOM_STATUS_CLOSED" },
      me.accessToken,
    );
    expect(closedOnly.body.rooms.map((r) => r.room.name)).toEqual(["Gamma closed"]);
    const searched = await rpc<{ rooms: MyRoom[] }>(n, "ListMyRooms", { search: "beta" }, me.accessToken);
    expect(searched.body.rooms.map((r) => r.room.id)).toEqual([joined.id]);
    const desc = await rpc<{ rooms: MyRoom[] }>(
      n,
      "ListMyRooms",
      { sortBy: "MY_ROOM_SORT_BY_NAME", sortDirection: "SORT_DIRECTION_DESC", pageSize: 1 },
      me.accessToken,
    );
    expect(desc.body.rooms.map((r) => r.room.name)).toEqual(["Gamma closed"]);
    expectCode(await rpc(n, "ListMyRooms", {}), 1000);
  });
});
