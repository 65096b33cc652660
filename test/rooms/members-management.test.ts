// Moderators acting on members (spec 04 §7.2, §9.4; 02 §3.3; checklists 7 and 12): AddMember skips
// password, invitation-only and approval but not capacity or an existing membership; role changes are
// creator-only and reset overrides; override edits obey channel (3000), rank (4013) and no escalation
// (4000); expected_version guards the row (2003); display edits need rank too.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roomJoinRequests, roomMembers } from "../../src/infra/db/schema/index.js";
import { insertUser } from "../support/fixtures/index.js";
import {
  addStoredMember,
  type MembersNode,
  makeRoom,
  memberEvents,
  membershipVersion,
  mintUser,
  startMembersNode,
  type TestRoom,
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
  role: string;
  permissions?: string;
  addedPermissions?: string;
  removedPermissions?: string;
  adminAddedPermissions?: string;
  adminRemovedPermissions?: string;
  remarkName?: string;
  displayTag?: string;
  version?: string;
}

const add = (room: TestRoom, token: string, body: Record<string, unknown>) =>
  n.room<{ member: WireMember }>("AddMember", { roomId: room.publicId, ...body }, token);
const updatePermissions = (room: TestRoom, token: string, body: Record<string, unknown>) =>
  n.room<{ member: WireMember }>("UpdateMemberPermissions", { roomId: room.publicId, ...body }, token);
const updateDisplay = (room: TestRoom, token: string, body: Record<string, unknown>) =>
  n.room<{ member: WireMember }>("UpdateMemberDisplay", { roomId: room.publicId, ...body }, token);

/** A room with an ADMIN and a MEMBER besides the creator. */
async function staffedRoom(settings: Record<string, unknown> = {}) {
  const room = await makeRoom(n, { createdBy: creator.id, settings });
  const admin = await mintUser(n);
  const member = await mintUser(n);
  await addStoredMember(n.db, room.id, admin.id, "ADMIN");
  await addStoredMember(n.db, room.id, member.id);
  return { room, admin, member };
}

describe("AddMember", () => {
  it("skips password, invitation-only and approval, approves the target's pending review, emits JOINED", async () => {
    const room = await makeRoom(n, {
      createdBy: creator.id,
      password: true,
      settings: { allowAutoJoin: false, requireApproval: true },
    });
    const target = await mintUser(n);
    await n.db.insert(roomJoinRequests).values({ roomId: room.id, userId: target.id });
    const r = await add(room, creator.token, { userId: target.publicId, remarkName: "Cousin", displayTag: "fam" });
    expect(r.status).toBe(200);
    expect(r.body.member).toMatchObject({
      userId: target.publicId,
      role: "ROOM_MEMBER_ROLE_MEMBER",
      remarkName: "Cousin",
      displayTag: "fam",
    });
    const [review] = await n.db.select().from(roomJoinRequests).where(eq(roomJoinRequests.userId, target.id));
    expect(review?.status).toBe(2);
    expect(review?.reviewedBy).toBe(creator.id);
    const events = await memberEvents(n.db, room.id);
    expect(events.map((e) => [e.eventType, e.userId, e.actorUserId])).toEqual([
      ["member.joined", target.id, creator.id],
    ]);
  });

  it("keeps capacity (3102) and refuses an existing member (2103)", async () => {
    const full = await makeRoom(n, { createdBy: creator.id, settings: { maxMembers: 1 } });
    const target = await mintUser(n);
    expect((await add(full, creator.token, { userId: target.publicId })).errorInfo?.errorCode).toBe(3102);
    const room = await makeRoom(n, { createdBy: creator.id });
    expect((await add(room, creator.token, { userId: target.publicId })).status).toBe(200);
    const again = await add(room, creator.token, { userId: target.publicId });
    expect(again.status).toBe(409);
    expect(again.errorInfo?.errorCode).toBe(2103);
  });

  it("adds ADMINs only for the creator; GUEST and CREATOR roles are 3000", async () => {
    const { room, admin } = await staffedRoom();
    const t1 = await mintUser(n);
    expect(
      (await add(room, admin.token, { userId: t1.publicId, role: "ROOM_MEMBER_ROLE_ADMIN" })).errorInfo?.errorCode,
    ).toBe(4000);
    const made = await add(room, creator.token, { userId: t1.publicId, role: "ROOM_MEMBER_ROLE_ADMIN" });
    expect(made.body.member.role).toBe("ROOM_MEMBER_ROLE_ADMIN");
    const t2 = await mintUser(n);
    for (const role of ["ROOM_MEMBER_ROLE_GUEST", "ROOM_MEMBER_ROLE_CREATOR"]) {
      expect((await add(room, creator.token, { userId: t2.publicId, role })).errorInfo?.errorCode).toBe(3000);
    }
    // An admin adds members (add_members is an admin default).
    expect((await add(room, admin.token, { userId: t2.publicId })).status).toBe(200);
  });

  it("needs add_members (a member gets 4000) and an active target (4002; unknown → NOT_FOUND)", async () => {
    const { room, member } = await staffedRoom();
    const target = await mintUser(n);
    expect((await add(room, member.token, { userId: target.publicId })).errorInfo?.errorCode).toBe(4000);
    const banned = await insertUser(n.db, { banned: true });
    expect((await add(room, creator.token, { userId: n.ids.encode("usr", banned.id) })).errorInfo?.errorCode).toBe(
      4002,
    );
    expect((await add(room, creator.token, { userId: n.ids.encode("usr", 99_999_999) })).status).toBe(404);
  });
});

describe("UpdateMemberPermissions: roles", () => {
  it("the creator promotes a member to ADMIN, resetting its overrides; one PERMISSION_CHANGED, version bumped", async () => {
    const { room, member } = await staffedRoom();
    await n.db
      .update(roomMembers)
      .set({ removedPermissions: 1n })
      .where(and(eq(roomMembers.roomId, room.id), eq(roomMembers.userId, member.id)));
    const before = await membershipVersion(n.db, room.id, member.id);
    const r = await updatePermissions(room, creator.token, { userId: member.publicId, role: "ROOM_MEMBER_ROLE_ADMIN" });
    expect(r.status).toBe(200);
    expect(r.body.member.role).toBe("ROOM_MEMBER_ROLE_ADMIN");
    expect(r.body.member.removedPermissions ?? "0").toBe("0");
    expect(BigInt(r.body.member.permissions ?? "0") & (1n << 13n)).toBe(1n << 13n); // remove_members
    expect(await membershipVersion(n.db, room.id, member.id)).toBe((before ?? 0) + 1);
    expect((await memberEvents(n.db, room.id)).map((e) => e.eventType)).toEqual(["member.permission_changed"]);
  });

  it("a role change keeps overrides sent in the same request (in the new role's channel)", async () => {
    const { room, member } = await staffedRoom();
    const r = await updatePermissions(room, creator.token, {
      userId: member.publicId,
      role: "ROOM_MEMBER_ROLE_ADMIN",
      adminRemovedPermissions: String(1n << 13n),
    });
    expect(r.status).toBe(200);
    expect(r.body.member.adminRemovedPermissions).toBe(String(1n << 13n));
    expect(BigInt(r.body.member.permissions ?? "0") & (1n << 13n)).toBe(0n);
  });

  it("only the creator changes roles (4000)", async () => {
    const { room, admin, member } = await staffedRoom();
    const r = await updatePermissions(room, admin.token, { userId: member.publicId, role: "ROOM_MEMBER_ROLE_ADMIN" });
    expect(r.errorInfo?.errorCode).toBe(4000);
  });
});

describe("UpdateMemberPermissions: overrides", () => {
  it("an admin grants a member a permission it holds itself; the effective mask follows", async () => {
    const { room, admin, member } = await staffedRoom();
    // Member bit 7 = control_playback_state = admin bit 10.
    const r = await updatePermissions(room, admin.token, {
      userId: member.publicId,
      addedPermissions: String(1n << 7n),
    });
    expect(r.status).toBe(200);
    expect(r.body.member.addedPermissions).toBe(String(1n << 7n));
    expect(BigInt(r.body.member.permissions ?? "0") & (1n << 10n)).toBe(1n << 10n);
  });

  it("no escalation: granting a permission the actor lacks is 4000; removing it is fine", async () => {
    const { room, admin, member } = await staffedRoom();
    await n.db
      .update(roomMembers)
      .set({ adminRemovedPermissions: 1n << 10n })
      .where(and(eq(roomMembers.roomId, room.id), eq(roomMembers.userId, admin.id)));
    const denied = await updatePermissions(room, admin.token, {
      userId: member.publicId,
      addedPermissions: String(1n << 7n),
    });
    expect(denied.errorInfo?.errorCode).toBe(4000);
    expect(denied.errorInfo?.metadata["permission"]).toBe("control_playback_state");
    const removal = await updatePermissions(room, admin.token, {
      userId: member.publicId,
      removedPermissions: String(1n << 7n),
    });
    expect(removal.status).toBe(200);
  });

  it("the wrong channel or undefined bits are 3000", async () => {
    const { room, admin, member } = await staffedRoom();
    expect(
      (await updatePermissions(room, admin.token, { userId: member.publicId, adminAddedPermissions: "1" })).errorInfo
        ?.errorCode,
    ).toBe(3000);
    expect(
      (await updatePermissions(room, admin.token, { userId: member.publicId, addedPermissions: String(1n << 40n) }))
        .errorInfo?.errorCode,
    ).toBe(3000);
    expect(
      (await updatePermissions(room, creator.token, { userId: admin.publicId, removedPermissions: "1" })).errorInfo
        ?.errorCode,
    ).toBe(3000);
  });

  it("rank: an admin cannot edit an admin, itself or the creator (4013); a member lacks the permission (4000)", async () => {
    const { room, admin, member } = await staffedRoom();
    const other = await mintUser(n);
    await addStoredMember(n.db, room.id, other.id, "ADMIN");
    for (const target of [other, admin, creator]) {
      const r = await updatePermissions(room, admin.token, { userId: target.publicId, adminRemovedPermissions: "1" });
      expect(r.errorInfo?.errorCode).toBe(4013);
    }
    const byMember = await updatePermissions(room, member.token, {
      userId: other.publicId,
      adminRemovedPermissions: "1",
    });
    expect(byMember.errorInfo?.errorCode).toBe(4000);
  });

  it("expected_version guards the target row (2003 with current_version)", async () => {
    const { room, member } = await staffedRoom();
    const stale = await updatePermissions(room, creator.token, {
      userId: member.publicId,
      removedPermissions: "1",
      expectedVersion: "7",
    });
    expect(stale.status).toBe(409);
    expect(stale.errorInfo?.errorCode).toBe(2003);
    expect(stale.errorInfo?.metadata["current_version"]).toBe("1");
    const ok = await updatePermissions(room, creator.token, {
      userId: member.publicId,
      removedPermissions: "1",
      expectedVersion: "1",
    });
    expect(ok.body.member.version).toBe("2");
  });

  it("a request without role or masks is 3000; an unknown member NOT_FOUND", async () => {
    const { room } = await staffedRoom();
    const stranger = await mintUser(n);
    expect((await updatePermissions(room, creator.token, { userId: stranger.publicId })).errorInfo?.errorCode).toBe(
      3000,
    );
    expect(
      (await updatePermissions(room, creator.token, { userId: stranger.publicId, removedPermissions: "1" })).status,
    ).toBe(404);
  });
});

describe("UpdateMemberDisplay", () => {
  it("an admin sets and clears a member's remark name and display tag", async () => {
    const { room, admin, member } = await staffedRoom();
    const set = await updateDisplay(room, admin.token, {
      userId: member.publicId,
      remarkName: "DJ",
      displayTag: "music",
    });
    expect(set.status).toBe(200);
    expect(set.body.member).toMatchObject({ remarkName: "DJ", displayTag: "music" });
    const cleared = await updateDisplay(room, admin.token, { userId: member.publicId, remarkName: "" });
    expect(cleared.body.member.remarkName ?? "").toBe("");
    expect(cleared.body.member.displayTag).toBe("music");
  });

  it("needs rank (admin on admin 4013), the permission (member 4000) and ≤64 / ≤16 characters (3000)", async () => {
    const { room, admin, member } = await staffedRoom();
    const other = await mintUser(n);
    await addStoredMember(n.db, room.id, other.id, "ADMIN");
    expect(
      (await updateDisplay(room, admin.token, { userId: other.publicId, remarkName: "x" })).errorInfo?.errorCode,
    ).toBe(4013);
    expect(
      (await updateDisplay(room, member.token, { userId: other.publicId, remarkName: "x" })).errorInfo?.errorCode,
    ).toBe(4000);
    expect(
      (await updateDisplay(room, creator.token, { userId: member.publicId, remarkName: "x".repeat(65) })).errorInfo
        ?.errorCode,
    ).toBe(3000);
    expect(
      (await updateDisplay(room, creator.token, { userId: member.publicId, displayTag: "x".repeat(17) })).errorInfo
        ?.errorCode,
    ).toBe(3000);
    expect(
      (await updateDisplay(room, creator.token, { userId: other.publicId, displayTag: "é".repeat(16) })).status,
    ).toBe(200);
  });
});
