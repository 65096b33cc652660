// JoinRoom's decision order (spec 04 §7.1, checklist 7): every step fails with its own app code, a
// fixture breaking several rules gets the earliest step's code, members rejoin idempotently without a
// password or an event, the approval path answers the same review twice, and room-password failures
// lock per (room, IP).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roomMemberKickCooldowns } from "../../src/infra/db/schema/index.js";
import { insertUser } from "../support/fixtures/index.js";
import {
  addStoredMember,
  isMember,
  type MembersNode,
  makeRoom,
  memberEvents,
  mintUser,
  setRealRoomPassword,
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

const join = (roomId: string, token: string, extra: Record<string, unknown> = {}) =>
  n.room<{
    requiresApproval?: boolean;
    joinReview?: { id: string; status: string };
    selfMember?: { userId: string; role: string };
    room?: { id: string; memberCount?: number };
  }>("JoinRoom", { roomId, ...extra }, token);

async function cooldown(roomId: number, userId: number, seconds: number): Promise<number> {
  const now = Date.now();
  const endsAt = now + seconds * 1000;
  await n.db
    .insert(roomMemberKickCooldowns)
    .values({ roomId, userId, kickedBy: creator.id, startsAt: new Date(now), endsAt: new Date(endsAt) });
  return endsAt;
}

describe("each step fails with its own code", () => {
  it("step 1: a deleted room is NOT_FOUND, and so is an unknown one", async () => {
    const joiner = await mintUser(n);
    const room = await makeRoom(n, { createdBy: creator.id, deleted: true });
    const r = await join(room.publicId, joiner.token);
    expect(r.status).toBe(404);
    expect(r.errorInfo?.errorCode).toBe(2000);
    expect((await join(n.ids.encode("room", 987_654_321), joiner.token)).status).toBe(404);
  });

  it("step 2: a room whose creator is banned answers 4009", async () => {
    const banned = await insertUser(n.db, { banned: true });
    const room = await makeRoom(n, { createdBy: banned.id });
    const r = await join(room.publicId, (await mintUser(n)).token);
    expect(r.status).toBe(403);
    expect(r.errorInfo?.errorCode).toBe(4009);
  });

  it("step 3: a banned room answers 4003", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, banned: true });
    expect((await join(room.publicId, (await mintUser(n)).token)).errorInfo?.errorCode).toBe(4003);
  });

  it("step 4: a closed room answers 3101", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, closed: true });
    const r = await join(room.publicId, (await mintUser(n)).token);
    expect(r.status).toBe(400);
    expect(r.errorInfo?.errorCode).toBe(3101);
  });

  it("step 5: a member joins again idempotently: no password asked, visit counted, no event", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, password: true, settings: { allowAutoJoin: false } });
    const member = await mintUser(n);
    await addStoredMember(n.db, room.id, member.id);
    const before = await memberEvents(n.db, room.id);
    const r = await join(room.publicId, member.token);
    expect(r.status).toBe(200);
    expect(r.body.requiresApproval ?? false).toBe(false);
    expect(r.body.selfMember?.userId).toBe(member.publicId);
    expect(await memberEvents(n.db, room.id)).toEqual(before);
  });

  it("step 6: a kick cooldown answers 4004 with cooldown_ends_at", async () => {
    const room = await makeRoom(n, { createdBy: creator.id });
    const joiner = await mintUser(n);
    const endsAt = await cooldown(room.id, joiner.id, 600);
    const r = await join(room.publicId, joiner.token);
    expect(r.status).toBe(403);
    expect(r.errorInfo?.errorCode).toBe(4004);
    expect(r.errorInfo?.metadata["cooldown_ends_at"]).toBe(String(endsAt));
  });

  it("step 7: a missing password answers 4005, a wrong one 4006, the right one admits", async () => {
    const room = await makeRoom(n, { createdBy: creator.id });
    await setRealRoomPassword(n, room.id, "open-sesame");
    const joiner = await mintUser(n);
    expect((await join(room.publicId, joiner.token)).errorInfo?.errorCode).toBe(4005);
    expect((await join(room.publicId, joiner.token, { password: "wrong-one" })).errorInfo?.errorCode).toBe(4006);
    const ok = await join(room.publicId, joiner.token, { password: "open-sesame" });
    expect(ok.status).toBe(200);
    expect(ok.body.selfMember?.role).toBe("ROOM_MEMBER_ROLE_MEMBER");
  });

  it("step 9: an invitation-only room answers 4007", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, settings: { allowAutoJoin: false } });
    expect((await join(room.publicId, (await mintUser(n)).token)).errorInfo?.errorCode).toBe(4007);
  });

  it("step 10: with approval required the answer is a pending review, the same one twice", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, settings: { requireApproval: true } });
    const joiner = await mintUser(n);
    const first = await join(room.publicId, joiner.token);
    expect(first.status).toBe(200);
    expect(first.body.requiresApproval).toBe(true);
    expect(first.body.joinReview?.status).toBe("ROOM_JOIN_REVIEW_STATUS_PENDING");
    expect(first.body.selfMember).toBeUndefined();
    const second = await join(room.publicId, joiner.token);
    expect(second.body.joinReview?.id).toBe(first.body.joinReview?.id);
    expect(await isMember(n.db, room.id, joiner.id)).toBe(false);
    expect(await memberEvents(n.db, room.id)).toEqual([]);
  });

  it("step 11: a full room answers 3102 (the creator counts, maxMembers 0 is unlimited)", async () => {
    const full = await makeRoom(n, { createdBy: creator.id, settings: { maxMembers: 1 } });
    const r = await join(full.publicId, (await mintUser(n)).token);
    expect(r.status).toBe(400);
    expect(r.errorInfo?.errorCode).toBe(3102);
    const unlimited = await makeRoom(n, { createdBy: creator.id, settings: { maxMembers: 0 } });
    expect((await join(unlimited.publicId, (await mintUser(n)).token)).status).toBe(200);
  });

  it("step 12: a successful join makes a MEMBER with the requested remark name and display tag", async () => {
    const room = await makeRoom(n, { createdBy: creator.id });
    const joiner = await mintUser(n);
    const r = await n.room<{ selfMember: { remarkName: string; displayTag: string }; room: { memberCount: number } }>(
      "JoinRoom",
      { roomId: room.publicId, remarkName: "Bob from work", displayTag: "vip" },
      joiner.token,
    );
    expect(r.status).toBe(200);
    expect(r.body.selfMember).toMatchObject({ remarkName: "Bob from work", displayTag: "vip" });
    expect(r.body.room.memberCount).toBe(2);
  });

  it("a guest token answers 4008", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, allowGuestJoin: true });
    const issued = await fetch(`${n.t.baseUrl}/synctv.v1.AuthService/CreateGuestToken`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ roomId: room.publicId }),
    });
    const { token } = (await issued.json()) as { token: string };
    const r = await join(room.publicId, token);
    expect(r.status).toBe(403);
    expect(r.errorInfo?.errorCode).toBe(4008);
  });

  it("no token answers UNAUTHENTICATED", async () => {
    const room = await makeRoom(n, { createdBy: creator.id });
    expect((await n.room("JoinRoom", { roomId: room.publicId })).status).toBe(401);
  });
});

describe("several broken rules: the earliest step wins", () => {
  const cases: { name: string; overrides: Record<string, unknown>; cooldown?: boolean; code: number }[] = [
    {
      name: "banned + closed + password + invitation only + full → 4003",
      overrides: { banned: true, closed: true, password: true, settings: { allowAutoJoin: false, maxMembers: 1 } },
      cooldown: true,
      code: 4003,
    },
    {
      name: "closed + cooldown + password + full → 3101",
      overrides: { closed: true, password: true, settings: { maxMembers: 1 } },
      cooldown: true,
      code: 3101,
    },
    {
      name: "cooldown + password + invitation only + full → 4004",
      overrides: { password: true, settings: { allowAutoJoin: false, maxMembers: 1 } },
      cooldown: true,
      code: 4004,
    },
    {
      name: "password + invitation only + approval + full → 4005",
      overrides: { password: true, settings: { allowAutoJoin: false, requireApproval: true, maxMembers: 1 } },
      code: 4005,
    },
    {
      name: "invitation only + approval + full → 4007",
      overrides: { settings: { allowAutoJoin: false, requireApproval: true, maxMembers: 1 } },
      code: 4007,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const room = await makeRoom(n, { createdBy: creator.id, ...c.overrides });
      const joiner = await mintUser(n);
      if (c.cooldown) await cooldown(room.id, joiner.id, 600);
      expect((await join(room.publicId, joiner.token)).errorInfo?.errorCode).toBe(c.code);
    });
  }

  it("approval + full → a review (approval comes before capacity)", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, settings: { requireApproval: true, maxMembers: 1 } });
    const r = await join(room.publicId, (await mintUser(n)).token);
    expect(r.body.requiresApproval).toBe(true);
  });

  it("a deleted room with a banned creator is NOT_FOUND, not 4009", async () => {
    const banned = await insertUser(n.db, { banned: true });
    const room = await makeRoom(n, { createdBy: banned.id, deleted: true, banned: true });
    expect((await join(room.publicId, (await mintUser(n)).token)).status).toBe(404);
  });
});

describe("room password failures", () => {
  it("lock further attempts from the same client after 5 failures (2201), even with the right password", async () => {
    const room = await makeRoom(n, { createdBy: creator.id });
    await setRealRoomPassword(n, room.id, "right-password");
    const joiner = await mintUser(n);
    for (let i = 0; i < 5; i += 1) {
      expect((await join(room.publicId, joiner.token, { password: `nope-${i}` })).errorInfo?.errorCode).toBe(4006);
    }
    const locked = await join(room.publicId, joiner.token, { password: "right-password" });
    expect(locked.status).toBe(429);
    expect(locked.errorInfo?.errorCode).toBe(2201);
    expect(Number(locked.errorInfo?.retryAfterMs)).toBeGreaterThan(0);
  });
});
