// KickMember and kick cooldowns (spec 04 §7.5, checklist 9): rank rules (admin cannot kick admin,
// creator can), self-kick refused, cooldown bounds 1 and 2 592 000 s, the cooldown blocks JoinRoom,
// AddMember and review approval until it ends, a second kick extends it, and a guest kick revokes
// that guest of that room.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authTokenBlacklist, roomJoinRequests } from "../../src/infra/db/schema/index.js";
import {
  addStoredMember,
  isMember,
  type MembersNode,
  makeRoom,
  memberEvents,
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

const kick = (room: TestRoom, token: string, body: Record<string, unknown>) =>
  n.room<{ cooldownEndsAt?: string }>("KickMember", { roomId: room.publicId, ...body }, token);

async function roomWithMember(role: "ADMIN" | "MEMBER" = "MEMBER") {
  const room = await makeRoom(n, { createdBy: creator.id });
  const user = await mintUser(n);
  await addStoredMember(n.db, room.id, user.id, role);
  return { room, user };
}

describe("who may kick whom", () => {
  it("an admin cannot kick another admin (4013); the creator can", async () => {
    const { room, user: admin } = await roomWithMember("ADMIN");
    const other = await mintUser(n);
    await addStoredMember(n.db, room.id, other.id, "ADMIN");
    const denied = await kick(room, admin.token, { userId: other.publicId, kickCooldownSeconds: "60" });
    expect(denied.status).toBe(403);
    expect(denied.errorInfo?.errorCode).toBe(4013);
    expect((await kick(room, creator.token, { userId: other.publicId, kickCooldownSeconds: "60" })).status).toBe(200);
    expect(await isMember(n.db, room.id, other.id)).toBe(false);
  });

  it("an admin can kick a member but not the creator; a member cannot kick at all (4000)", async () => {
    const { room, user: admin } = await roomWithMember("ADMIN");
    const member = await mintUser(n);
    await addStoredMember(n.db, room.id, member.id);
    expect(
      (await kick(room, member.token, { userId: admin.publicId, kickCooldownSeconds: "60" })).errorInfo?.errorCode,
    ).toBe(4000);
    expect(
      (await kick(room, admin.token, { userId: creator.publicId, kickCooldownSeconds: "60" })).errorInfo?.errorCode,
    ).toBe(4013);
    expect((await kick(room, admin.token, { userId: member.publicId, kickCooldownSeconds: "60" })).status).toBe(200);
  });

  it("kicking oneself is refused with 3000", async () => {
    const room = await makeRoom(n, { createdBy: creator.id });
    const r = await kick(room, creator.token, { userId: creator.publicId, kickCooldownSeconds: "60" });
    expect(r.status).toBe(400);
    expect(r.errorInfo?.errorCode).toBe(3000);
  });

  it("a user who is neither member nor in cooldown is NOT_FOUND", async () => {
    const room = await makeRoom(n, { createdBy: creator.id });
    const stranger = await mintUser(n);
    expect((await kick(room, creator.token, { userId: stranger.publicId, kickCooldownSeconds: "60" })).status).toBe(
      404,
    );
  });
});

describe("cooldown bounds", () => {
  it("accepts 1 and 2 592 000 seconds, ending that long after the kick", async () => {
    for (const seconds of [1, 2_592_000]) {
      const { room, user } = await roomWithMember();
      const before = Date.now();
      const r = await kick(room, creator.token, { userId: user.publicId, kickCooldownSeconds: String(seconds) });
      expect(r.status).toBe(200);
      const endsAt = Number(r.body.cooldownEndsAt);
      expect(endsAt).toBeGreaterThanOrEqual(before + seconds * 1000);
      expect(endsAt).toBeLessThanOrEqual(Date.now() + seconds * 1000);
    }
  });

  it("refuses 0, 2 592 001 and a missing cooldown for members with 3000", async () => {
    const { room, user } = await roomWithMember();
    for (const body of [
      { userId: user.publicId, kickCooldownSeconds: "0" },
      { userId: user.publicId, kickCooldownSeconds: "2592001" },
      { userId: user.publicId },
    ]) {
      expect((await kick(room, creator.token, body)).errorInfo?.errorCode).toBe(3000);
    }
    expect(await isMember(n.db, room.id, user.id)).toBe(true);
  });
});

describe("a running cooldown", () => {
  it("blocks JoinRoom, AddMember and review approval with 4004 until it ends", async () => {
    const room = await makeRoom(n, { createdBy: creator.id });
    const user = await mintUser(n);
    await addStoredMember(n.db, room.id, user.id);
    // A review filed before the kick (e.g. while approval was on) must not let the user back in.
    const [review] = await n.db
      .insert(roomJoinRequests)
      .values({ roomId: room.id, userId: user.id })
      .returning({ id: roomJoinRequests.id });
    const kicked = await kick(room, creator.token, { userId: user.publicId, kickCooldownSeconds: "2", reason: "spam" });
    const endsAt = kicked.body.cooldownEndsAt;

    const joined = await n.room("JoinRoom", { roomId: room.publicId }, user.token);
    expect(joined.errorInfo?.errorCode).toBe(4004);
    expect(joined.errorInfo?.metadata["cooldown_ends_at"]).toBe(endsAt);
    expect(
      (await n.room("AddMember", { roomId: room.publicId, userId: user.publicId }, creator.token)).errorInfo?.errorCode,
    ).toBe(4004);
    const approve = await n.room(
      "ApproveRoomJoinReview",
      { roomId: room.publicId, reviewId: n.ids.encode("rev", review!.id) },
      creator.token,
    );
    expect(approve.errorInfo?.errorCode).toBe(4004);

    await new Promise((resolve) => setTimeout(resolve, Number(endsAt) - Date.now() + 100));
    expect((await n.room("JoinRoom", { roomId: room.publicId }, user.token)).status).toBe(200);

    const kickedEvent = (await memberEvents(n.db, room.id)).find((e) => e.eventType === "member.kicked");
    expect(kickedEvent?.payload).toMatchObject({ reason: "spam", cooldownEndsAt: Number(endsAt) });
  });

  it("is extended by a second kick to the later end, never shortened", async () => {
    const { room, user } = await roomWithMember();
    const first = await kick(room, creator.token, { userId: user.publicId, kickCooldownSeconds: "100" });
    const longer = await kick(room, creator.token, { userId: user.publicId, kickCooldownSeconds: "1000" });
    expect(longer.status).toBe(200);
    expect(Number(longer.body.cooldownEndsAt)).toBeGreaterThan(Number(first.body.cooldownEndsAt) + 800_000);
    const shorter = await kick(room, creator.token, { userId: user.publicId, kickCooldownSeconds: "10" });
    expect(shorter.body.cooldownEndsAt).toBe(longer.body.cooldownEndsAt);
    const joined = await n.room("JoinRoom", { roomId: room.publicId }, user.token);
    expect(joined.errorInfo?.metadata["cooldown_ends_at"]).toBe(longer.body.cooldownEndsAt);
    // Only the first kick ended a membership: one KICKED event.
    expect((await memberEvents(n.db, room.id)).map((e) => e.eventType)).toEqual(["member.kicked"]);
  });
});

describe("guest kick", () => {
  it("revokes that guest of this room (blacklist entry by room and guest id), no cooldown", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, allowGuestJoin: true });
    const issued = await fetch(`${n.t.baseUrl}/synctv.v1.AuthService/CreateGuestToken`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ roomId: room.publicId }),
    });
    const { guestId } = (await issued.json()) as { guestId: string };
    const r = await kick(room, creator.token, { guestId });
    expect(r.status).toBe(200);
    expect(r.body.cooldownEndsAt ?? "0").toBe("0");
    const rows = await n.db
      .select()
      .from(authTokenBlacklist)
      .where(eq(authTokenBlacklist.jti, `guestkick:${room.id}:${guestId}`));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 4 * 3600_000 - 60_000);
  });
});
