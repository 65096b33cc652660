// Membership changes and member reads (spec 04 §7, §9.6; 02 §3.3): every change leaves exactly one
// durable member event with a per-room increasing room_seq (an idempotent rejoin none), membership
// versions only grow across leave and rejoin, the creator cannot leave, and ListRoomMembers /
// GetSelfRoomMember show overrides only to who may see them.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roomMembers } from "../../src/infra/db/schema/index.js";
import {
  addStoredMember,
  isMember,
  type MembersNode,
  makeRoom,
  memberEvents,
  membershipVersion,
  mintUser,
  startMembersNode,
  type TestUser,
} from "./members-fixtures.js";

let n: MembersNode;
let creator: TestUser;

beforeAll(async () => {
  n = await startMembersNode();
  creator = await mintUser(n);
});
afterAll(async () => n.close());

interface WireMember {
  userId: string;
  username: string;
  role: string;
  permissions?: string;
  addedPermissions?: string;
  removedPermissions?: string;
  remarkName?: string;
}

describe("durable member events", () => {
  it("join, rejoin, permission change, kick, rejoin after cooldown and leave: one event each, room_seq increasing", async () => {
    const room = await makeRoom(n, { createdBy: creator.id });
    const alice = await mintUser(n);
    const body = { roomId: room.publicId };

    expect((await n.room("JoinRoom", body, alice.token)).status).toBe(200);
    expect((await n.room("JoinRoom", body, alice.token)).status).toBe(200); // idempotent: no event
    const changed = await n.room(
      "UpdateMemberPermissions",
      { ...body, userId: alice.publicId, removedPermissions: "1" },
      creator.token,
    );
    expect(changed.status).toBe(200);
    const kicked = await n.room(
      "KickMember",
      { ...body, userId: alice.publicId, kickCooldownSeconds: "1" },
      creator.token,
    );
    expect(kicked.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await n.room("JoinRoom", body, alice.token)).status).toBe(200);
    expect((await n.room("LeaveRoom", body, alice.token)).status).toBe(200);

    const events = await memberEvents(n.db, room.id);
    expect(events.map((e) => e.eventType)).toEqual([
      "member.joined",
      "member.permission_changed",
      "member.kicked",
      "member.joined",
      "member.left",
    ]);
    const seqs = events.map((e) => e.roomSeq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(events.every((e) => e.userId === alice.id)).toBe(true);
    expect(events[2]?.actorUserId).toBe(creator.id);
    // The aggregate version is the membership version: it only grows, across leave and rejoin.
    expect(events.map((e) => e.aggregateVersion)).toEqual([1, 2, 3, 4, 5]);
    expect(await membershipVersion(n.db, room.id, alice.id)).toBe(5);
  });

  it("a failed admission writes nothing", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, settings: { maxMembers: 1 } });
    const bob = await mintUser(n);
    expect((await n.room("JoinRoom", { roomId: room.publicId }, bob.token)).errorInfo?.errorCode).toBe(3102);
    expect(await memberEvents(n.db, room.id)).toEqual([]);
    expect(await membershipVersion(n.db, room.id, bob.id)).toBeNull();
  });
});

describe("LeaveRoom", () => {
  it("the creator cannot leave (3104)", async () => {
    const room = await makeRoom(n, { createdBy: creator.id });
    const r = await n.room("LeaveRoom", { roomId: room.publicId }, creator.token);
    expect(r.status).toBe(400);
    expect(r.errorInfo?.errorCode).toBe(3104);
  });

  it("a member can leave a closed room; a non-member gets 4001", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, closed: true });
    const carol = await mintUser(n);
    await addStoredMember(n.db, room.id, carol.id);
    expect((await n.room("LeaveRoom", { roomId: room.publicId }, carol.token)).status).toBe(200);
    expect(await isMember(n.db, room.id, carol.id)).toBe(false);
    const again = await n.room("LeaveRoom", { roomId: room.publicId }, carol.token);
    expect(again.errorInfo?.errorCode).toBe(3101);
    const open = await makeRoom(n, { createdBy: creator.id });
    expect((await n.room("LeaveRoom", { roomId: open.publicId }, carol.token)).errorInfo?.errorCode).toBe(4001);
  });
});

describe("GetSelfRoomMember", () => {
  it("returns the caller's row with effective permissions, also in a banned room", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, banned: true });
    const dave = await mintUser(n);
    await addStoredMember(n.db, room.id, dave.id);
    const r = await n.room<{ member: WireMember }>("GetSelfRoomMember", { roomId: room.publicId }, dave.token);
    expect(r.status).toBe(200);
    expect(r.body.member.userId).toBe(dave.publicId);
    expect(r.body.member.role).toBe("ROOM_MEMBER_ROLE_MEMBER");
    // The seven member defaults: bits 0–5 and admin bit 20 (use_p2p_media).
    expect(BigInt(r.body.member.permissions ?? "0")).toBe(0b111111n | (1n << 20n));
    const stranger = await mintUser(n);
    expect((await n.room("GetSelfRoomMember", { roomId: room.publicId }, stranger.token)).errorInfo?.errorCode).toBe(
      4003,
    );
  });
});

describe("ListRoomMembers", () => {
  let roomId: string;
  let numericRoomId: number;
  let admin: TestUser;
  let members: TestUser[];

  beforeAll(async () => {
    const room = await makeRoom(n, { createdBy: creator.id });
    roomId = room.publicId;
    numericRoomId = room.id;
    admin = await mintUser(n);
    await addStoredMember(n.db, room.id, admin.id, "ADMIN");
    members = [await mintUser(n), await mintUser(n), await mintUser(n)];
    for (const m of members) await addStoredMember(n.db, room.id, m.id);
    // One member carries an override, to see who may read it.
    await n.db
      .update(roomMembers)
      .set({ removedPermissions: 1n, remarkName: "The Night Owl" })
      .where(and(eq(roomMembers.roomId, room.id), eq(roomMembers.userId, members[0]!.id)));
  });

  const list = (token: string, extra: Record<string, unknown> = {}) =>
    n.room<{ members: WireMember[]; total: number; presence?: object }>("ListRoomMembers", { roomId, ...extra }, token);

  it("pages with a total, sorts by join time by default and by role or username on request", async () => {
    const page1 = await list(creator.token, { pageSize: 2 });
    expect(page1.status).toBe(200);
    expect(page1.body.total).toBe(5);
    expect(page1.body.members).toHaveLength(2);
    expect(page1.body.members[0]?.userId).toBe(creator.publicId);
    const page3 = await list(creator.token, { pageSize: 2, page: 3 });
    expect(page3.body.members).toHaveLength(1);

    const byRole = await list(creator.token, {
      sortBy: "ROOM_MEMBER_SORT_BY_ROLE",
      sortDirection: "SORT_DIRECTION_DESC",
    });
    expect(byRole.body.members.at(-1)?.role).toBe("ROOM_MEMBER_ROLE_CREATOR");
    const byName = await list(creator.token, { sortBy: "ROOM_MEMBER_SORT_BY_USERNAME" });
    const names = byName.body.members.map((m) => m.username.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  it("filters by role and searches usernames and remark names", async () => {
    const admins = await list(creator.token, { role: "ROOM_MEMBER_ROLE_ADMIN" });
    expect(admins.body.members.map((m) => m.userId)).toEqual([admin.publicId]);
    const byRemark = await list(creator.token, { search: "night owl" });
    expect(byRemark.body.members.map((m) => m.userId)).toEqual([members[0]!.publicId]);
    const byName = await list(creator.token, { search: members[1]!.username });
    expect(byName.body.total).toBe(1);
    expect((await list(creator.token, { search: "%" })).body.total ?? 0).toBe(0);
  });

  it("shows override masks to managers and to the member itself, zeroed for everyone else", async () => {
    const owner = (r: { body: { members: WireMember[] } }) =>
      r.body.members.find((m) => m.userId === members[0]!.publicId);
    expect(owner(await list(admin.token))?.removedPermissions).toBe("1");
    expect(owner(await list(members[0]!.token))?.removedPermissions).toBe("1");
    expect(owner(await list(members[1]!.token))?.removedPermissions ?? "0").toBe("0");
  });

  it("needs view_members: a member without it gets 4000, a non-member 4001", async () => {
    await n.db
      .update(roomMembers)
      .set({ removedPermissions: 1n << 3n })
      .where(and(eq(roomMembers.roomId, numericRoomId), eq(roomMembers.userId, members[2]!.id)));
    const denied = await list(members[2]!.token);
    expect(denied.errorInfo?.errorCode).toBe(4000);
    expect(denied.errorInfo?.metadata["permission"]).toBe("view_members");
    expect((await list((await mintUser(n)).token)).errorInfo?.errorCode).toBe(4001);
  });
});
