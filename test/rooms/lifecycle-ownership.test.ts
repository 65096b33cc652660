// GetRoom, DeleteRoom and TransferRoomOwnership through the API (spec 04 §2.1, §2.3, §8, §10 item 10).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskOf } from "../../src/core/permissions/index.js";
import { roomMembers, roomMemberVersions, rooms } from "../../src/infra/db/schema/index.js";
import type { TestAccount } from "../support/accounts.js";
import { insertRoom } from "../support/fixtures/index.js";
import {
  addMember,
  createRoom,
  eventsOf,
  expectCode,
  guestToken,
  guestTokenCode,
  type Json,
  memberRole,
  type RoomsNode,
  rpc,
  setRuntimeSetting,
  startRoomsNode,
  TEST_ROOM_QUOTA,
  users,
} from "./lifecycle-harness.js";

let n: RoomsNode;
let owner: TestAccount;
let admin: TestAccount;
let member: TestAccount;
let outsider: TestAccount;

beforeAll(async () => {
  n = await startRoomsNode();
  [owner, admin, member, outsider] = await Promise.all([
    users(n, "owner"),
    users(n, "admin"),
    users(n, "member"),
    users(n, "outsider"),
  ]);
});
afterAll(async () => n?.close());

describe("GetRoom", () => {
  it("members see the room, settings and their membership; non-members get 4001; guests have no self member", async () => {
    const room = await createRoom(n, owner, { settings: { allowGuestJoin: true } });
    await addMember(n, room.roomId, member.userId);
    const got = await rpc<{ room: Json; selfMember: Json; effectivePermissions: string }>(
      n,
      "GetRoom",
      { roomId: room.id },
      member.accessToken,
    );
    expect(got.body.room).toMatchObject({ id: room.id, memberCount: 2, settings: { maxMembers: "100" } });
    expect(got.body.selfMember).toMatchObject({ userId: member.publicId, role: "ROOM_MEMBER_ROLE_MEMBER" });
    expect(BigInt(got.body.effectivePermissions)).toBe(
      maskOf("admin", [
        "send_chat_messages",
        "manage_own_media",
        "browse_library",
        "view_members",
        "view_chat_history",
        "use_voice_chat",
        "use_p2p_media",
      ]),
    );
    expectCode(await rpc(n, "GetRoom", { roomId: room.id }, outsider.accessToken), 4001);
    const guest = await rpc<Json>(n, "GetRoom", { roomId: room.id }, await guestToken(n, room.id));
    expect(guest.status).toBe(200);
    expect(guest.body.selfMember).toBeUndefined();
    expectCode(await rpc(n, "GetRoom", { roomId: n.ids.encode("room", 987_654_321) }, owner.accessToken), 2000);
  });

  it("members keep GetRoom and GetRoomSettings in banned and closed rooms; others get the state's code", async () => {
    const banned = await insertRoom(n.t.database.db, { createdBy: owner.userId, banned: true });
    const closed = await insertRoom(n.t.database.db, { createdBy: owner.userId, closed: true });
    await addMember(n, banned.id, member.userId);
    await addMember(n, closed.id, member.userId);
    for (const [room, code] of [
      [banned, 4003],
      [closed, 3101],
    ] as const) {
      const id = n.ids.encode("room", room.id);
      expect((await rpc(n, "GetRoom", { roomId: id }, member.accessToken)).status).toBe(200);
      expect((await rpc(n, "GetRoomSettings", { roomId: id }, owner.accessToken)).status).toBe(200);
      expectCode(await rpc(n, "GetRoom", { roomId: id }, outsider.accessToken), code);
      expectCode(await rpc(n, "UpdateRoomVisibility", { roomId: id, isPublic: false }, owner.accessToken), code);
    }
  });
});

describe("DeleteRoom", () => {
  it("the creator deletes: NOT_FOUND afterwards, memberships gone with their versions bumped, one event", async () => {
    const room = await createRoom(n, owner);
    await addMember(n, room.roomId, member.userId);
    expect((await rpc(n, "DeleteRoom", { roomId: room.id }, owner.accessToken)).status).toBe(200);
    expectCode(await rpc(n, "GetRoom", { roomId: room.id }, owner.accessToken), 2000);
    expectCode(await rpc(n, "GetRoomSettings", { roomId: room.id }, member.accessToken), 2000);
    expectCode(await rpc(n, "DeleteRoom", { roomId: room.id }, owner.accessToken), 2000);
    const db = n.t.database.db;
    expect(await db.select().from(roomMembers).where(eq(roomMembers.roomId, room.roomId))).toEqual([]);
    const versions = await db.select().from(roomMemberVersions).where(eq(roomMemberVersions.roomId, room.roomId));
    expect(versions.every((v) => !v.isMember && v.version === 2)).toBe(true);
    const [row] = await db.select().from(rooms).where(eq(rooms.id, room.roomId));
    expect(row).toMatchObject({ deletionSource: 5, deletedBy: owner.userId });
    expect((await eventsOf(n, room.roomId)).map((e) => e.eventType)).toEqual(["room.created", "room.deleted"]);
  });

  it("an admin needs delete_room (granted only by the creator); members cannot; the name is free again", async () => {
    const room = await createRoom(n, owner, { name: "to be deleted" });
    await addMember(n, room.roomId, admin.userId, 2);
    await addMember(n, room.roomId, member.userId, 3);
    const denied = await rpc(n, "DeleteRoom", { roomId: room.id }, admin.accessToken);
    expectCode(denied, 4000);
    expect(denied.errorInfo?.metadata.permission).toBe("delete_room");
    expectCode(await rpc(n, "DeleteRoom", { roomId: room.id }, member.accessToken), 4000);
    await rpc(
      n,
      "UpdateRoomSettings",
      {
        roomId: room.id,
        settings: { adminAddedPermissions: String(maskOf("admin", ["delete_room"])) },
        updateMask: "adminAddedPermissions",
      },
      owner.accessToken,
    );
    expect((await rpc(n, "DeleteRoom", { roomId: room.id }, admin.accessToken)).status).toBe(200);
    await createRoom(n, owner, { name: "to be deleted" });
  });

  it("the creator may delete a banned room; an admin holding delete_room may not", async () => {
    const banned = await insertRoom(n.t.database.db, {
      createdBy: owner.userId,
      banned: true,
      settings: { adminAddedPermissions: String(maskOf("admin", ["delete_room"])) },
    });
    await addMember(n, banned.id, admin.userId, 2);
    const id = n.ids.encode("room", banned.id);
    expectCode(await rpc(n, "DeleteRoom", { roomId: id }, admin.accessToken), 4003);
    expect((await rpc(n, "DeleteRoom", { roomId: id }, owner.accessToken)).status).toBe(200);
  });
});

describe("TransferRoomOwnership (04 §8)", () => {
  const transfer = (roomId: string, to: TestAccount | string, token: string) =>
    rpc<{ room: Json }>(
      n,
      "TransferRoomOwnership",
      { roomId, newOwnerUserId: typeof to === "string" ? to : to.publicId },
      token,
    );

  it("checks the preconditions in order: creator only, not self, member, quota, name", async () => {
    const room = await createRoom(n, owner, { name: "Transfer me" });
    await addMember(n, room.roomId, admin.userId, 2);
    expectCode(await transfer(room.id, member, admin.accessToken), 4000);
    expectCode(await transfer(room.id, owner, owner.accessToken), 3000);
    expectCode(await transfer(room.id, outsider, owner.accessToken), 3001);
    // The target already owns a room with this name.
    await createRoom(n, admin, { name: "Transfer me" });
    expectCode(await transfer(room.id, admin, owner.accessToken), 2102);
    await setRuntimeSetting(n, "roomCreation.maxRoomsPerUser", 1);
    try {
      expectCode(await transfer(room.id, admin, owner.accessToken), 3103);
    } finally {
      await setRuntimeSetting(n, "roomCreation.maxRoomsPerUser", TEST_ROOM_QUOTA);
    }
  });

  it("moves ownership: new CREATOR, old owner ADMIN with cleared overrides, two PERMISSION_CHANGED events", async () => {
    const room = await createRoom(n, owner, { settings: { allowGuestJoin: true } });
    const token = await guestToken(n, room.id);
    await addMember(n, room.roomId, member.userId, 3, { addedPermissions: 1n << 7n, removedPermissions: 1n });
    const before = await eventsOf(n, room.roomId);
    const moved = await transfer(room.id, member, owner.accessToken);
    expect(moved.status).toBe(200);
    expect(moved.body.room).toMatchObject({ createdBy: member.publicId, creator: { username: member.username } });
    expect(await memberRole(n, room.roomId, member.userId)).toBe(1);
    expect(await memberRole(n, room.roomId, owner.userId)).toBe(2);
    const [promoted] = await n.t.database.db.select().from(roomMembers).where(eq(roomMembers.userId, member.userId));
    expect(promoted).toMatchObject({ addedPermissions: 0n, removedPermissions: 0n });

    const after = (await eventsOf(n, room.roomId)).slice(before.length);
    expect(after.map((e) => [e.eventType, e.resourceType, e.userId])).toEqual([
      ["member.permission_changed", "room_member", owner.userId],
      ["member.permission_changed", "room_member", member.userId],
    ]);
    expect(after.map((e) => e.roomSeq)).toEqual([before.length + 1, before.length + 2]);
    // Transfer does not revoke guests; the new owner can now delete, the old one cannot.
    expect(await guestTokenCode(n, token)).toBe(4008);
    expectCode(await rpc(n, "DeleteRoom", { roomId: room.id }, owner.accessToken), 4000);
    const mine = await rpc<{ rooms: Json[] }>(
      n,
      "ListMyRooms",
      { relation: "MY_ROOM_RELATION_CREATED" },
      member.accessToken,
    );
    expect(mine.body.rooms.map((r) => (r.room as Json).id)).toContain(room.id);
  });
});
