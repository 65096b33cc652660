// Acceptance 1 of the rooms issue: every P1 RoomService RPC (and ListMyRooms) run as each of
// {anonymous, guest, member, room admin, creator, platform admin, member of another room}, each
// against a fresh room, with the expected answer taken from spec 04 and 02 §3.3. "ok" means the
// call succeeded; a number is the expected app code. Ids of another room answer NOT_FOUND.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PublicIdCodec } from "../../src/core/ids/public-id-codec.js";
import { roomJoinRequests, users } from "../../src/infra/db/schema/index.js";
import { idCodecOf, signUp, type TestAccount } from "../support/accounts.js";
import { callJson } from "../support/connect-json.js";
import { insertMember, insertRoom, insertUser } from "../support/fixtures/index.js";
import { startTestNode, type TestNode } from "../support/node-harness.js";

type ActorName = "anonymous" | "guest" | "member" | "roomAdmin" | "creator" | "platformAdmin" | "otherRoomMember";
const ACTORS: ActorName[] = [
  "anonymous",
  "guest",
  "member",
  "roomAdmin",
  "creator",
  "platformAdmin",
  "otherRoomMember",
];
type Expected = "ok" | number;

interface Scene {
  roomId: string;
  roomNumericId: number;
  memberId: string;
  adminId: string;
  outsiderId: string;
  reviewId: string;
  otherRoomId: string;
}

interface Case {
  rpc: string;
  body(scene: Scene): Record<string, unknown>;
  expect: Record<ActorName, Expected>;
}

const UNAUTH = 1000;
const NOT_MEMBER = 4001;
const DENIED = 4000;
const GUEST_NO = 4008;

/** Shorthand: the answers for a `perm:x` RPC whose bit members lack but room admins hold. */
const adminPerm: Record<ActorName, Expected> = {
  anonymous: UNAUTH,
  guest: DENIED,
  member: DENIED,
  roomAdmin: "ok",
  creator: "ok",
  platformAdmin: NOT_MEMBER,
  otherRoomMember: NOT_MEMBER,
};

const cases: Case[] = [
  {
    rpc: "RoomService/CreateRoom",
    body: () => ({ name: `matrix room ${Math.random().toString(36).slice(2, 8)}` }),
    expect: {
      anonymous: UNAUTH,
      guest: GUEST_NO,
      member: "ok",
      roomAdmin: "ok",
      creator: "ok",
      platformAdmin: "ok",
      otherRoomMember: "ok",
    },
  },
  {
    rpc: "RoomService/GetRoom",
    body: (s) => ({ roomId: s.roomId }),
    expect: {
      anonymous: UNAUTH,
      guest: "ok",
      member: "ok",
      roomAdmin: "ok",
      creator: "ok",
      platformAdmin: NOT_MEMBER,
      otherRoomMember: NOT_MEMBER,
    },
  },
  {
    rpc: "RoomService/GetRoomDiscovery",
    body: (s) => ({ roomId: s.roomId }),
    expect: {
      anonymous: "ok",
      guest: "ok",
      member: "ok",
      roomAdmin: "ok",
      creator: "ok",
      platformAdmin: "ok",
      otherRoomMember: "ok",
    },
  },
  {
    rpc: "RoomService/DiscoverRooms",
    body: () => ({}),
    expect: {
      anonymous: "ok",
      guest: "ok",
      member: "ok",
      roomAdmin: "ok",
      creator: "ok",
      platformAdmin: "ok",
      otherRoomMember: "ok",
    },
  },
  {
    rpc: "RoomService/JoinRoom",
    body: (s) => ({ roomId: s.roomId }),
    expect: {
      anonymous: UNAUTH,
      guest: GUEST_NO,
      member: "ok",
      roomAdmin: "ok",
      creator: "ok",
      platformAdmin: "ok",
      otherRoomMember: "ok",
    },
  },
  {
    rpc: "RoomService/LeaveRoom",
    body: (s) => ({ roomId: s.roomId }),
    expect: {
      anonymous: UNAUTH,
      guest: GUEST_NO,
      member: "ok",
      roomAdmin: "ok",
      creator: 3104,
      platformAdmin: NOT_MEMBER,
      otherRoomMember: NOT_MEMBER,
    },
  },
  {
    rpc: "RoomService/DeleteRoom",
    body: (s) => ({ roomId: s.roomId }),
    expect: {
      anonymous: UNAUTH,
      guest: DENIED,
      member: DENIED,
      roomAdmin: DENIED,
      creator: "ok",
      platformAdmin: "ok",
      otherRoomMember: NOT_MEMBER,
    },
  },
  {
    rpc: "RoomService/GetRoomSettings",
    body: (s) => ({ roomId: s.roomId }),
    expect: {
      anonymous: UNAUTH,
      guest: "ok",
      member: "ok",
      roomAdmin: "ok",
      creator: "ok",
      platformAdmin: NOT_MEMBER,
      otherRoomMember: NOT_MEMBER,
    },
  },
  {
    rpc: "RoomService/UpdateRoomSettings",
    body: (s) => ({ roomId: s.roomId, settings: { chatEnabled: false }, updateMask: "chatEnabled" }),
    expect: adminPerm,
  },
  { rpc: "RoomService/ResetRoomSettings", body: (s) => ({ roomId: s.roomId }), expect: adminPerm },
  { rpc: "RoomService/UpdateRoomVisibility", body: (s) => ({ roomId: s.roomId, isPublic: false }), expect: adminPerm },
  {
    rpc: "RoomService/TransferRoomOwnership",
    body: (s) => ({ roomId: s.roomId, newOwnerUserId: s.adminId }),
    expect: {
      anonymous: UNAUTH,
      guest: GUEST_NO,
      member: DENIED,
      roomAdmin: DENIED,
      creator: "ok",
      platformAdmin: NOT_MEMBER,
      otherRoomMember: NOT_MEMBER,
    },
  },
  {
    rpc: "RoomService/SetRoomPassword",
    body: (s) => ({ roomId: s.roomId, password: "open sesame" }),
    expect: adminPerm,
  },
  { rpc: "RoomService/ClearRoomPassword", body: (s) => ({ roomId: s.roomId }), expect: adminPerm },
  {
    rpc: "RoomService/ListRoomMembers",
    body: (s) => ({ roomId: s.roomId }),
    expect: { ...adminPerm, member: "ok" },
  },
  {
    rpc: "RoomService/GetSelfRoomMember",
    body: (s) => ({ roomId: s.roomId }),
    expect: {
      anonymous: UNAUTH,
      guest: GUEST_NO,
      member: "ok",
      roomAdmin: "ok",
      creator: "ok",
      platformAdmin: NOT_MEMBER,
      otherRoomMember: NOT_MEMBER,
    },
  },
  { rpc: "RoomService/AddMember", body: (s) => ({ roomId: s.roomId, userId: s.outsiderId }), expect: adminPerm },
  {
    rpc: "RoomService/UpdateMemberPermissions",
    // control_playback_state in the member bitspace (bit 7): room admins hold it, so may grant it.
    body: (s) => ({ roomId: s.roomId, userId: s.memberId, addedPermissions: String(1n << 7n) }),
    expect: adminPerm,
  },
  {
    rpc: "RoomService/UpdateMemberDisplay",
    body: (s) => ({ roomId: s.roomId, userId: s.memberId, displayTag: "vip" }),
    expect: adminPerm,
  },
  {
    rpc: "RoomService/KickMember",
    body: (s) => ({ roomId: s.roomId, userId: s.memberId, kickCooldownSeconds: 60 }),
    expect: adminPerm,
  },
  { rpc: "RoomService/ListRoomJoinReviews", body: (s) => ({ roomId: s.roomId }), expect: adminPerm },
  {
    rpc: "RoomService/ApproveRoomJoinReview",
    body: (s) => ({ roomId: s.roomId, reviewId: s.reviewId }),
    expect: adminPerm,
  },
  {
    rpc: "RoomService/RejectRoomJoinReview",
    body: (s) => ({ roomId: s.roomId, reviewId: s.reviewId, reason: "not now" }),
    expect: adminPerm,
  },
  {
    rpc: "UserService/ListMyRooms",
    body: () => ({}),
    expect: {
      anonymous: UNAUTH,
      guest: GUEST_NO,
      member: "ok",
      roomAdmin: "ok",
      creator: "ok",
      platformAdmin: "ok",
      otherRoomMember: "ok",
    },
  },
];

let t: TestNode;
let ids: PublicIdCodec;
let accounts: Record<Exclude<ActorName, "anonymous" | "guest">, TestAccount>;

beforeAll(async () => {
  const many = "1000000";
  t = await startTestNode({
    SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_AUTH: many,
    SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WRITE: many,
    SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_READ: many,
    SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_GUEST: many,
  });
  ids = idCodecOf(t);
  const [member, roomAdmin, creator, platformAdmin, otherRoomMember] = await Promise.all([
    signUp(t, "mx-member"),
    signUp(t, "mx-admin"),
    signUp(t, "mx-creator"),
    signUp(t, "mx-platform"),
    signUp(t, "mx-other"),
  ]);
  accounts = {
    member: member!,
    roomAdmin: roomAdmin!,
    creator: creator!,
    platformAdmin: platformAdmin!,
    otherRoomMember: otherRoomMember!,
  };
  await t.database.db.update(users).set({ role: 2 }).where(eq(users.id, accounts.platformAdmin.userId));
}, 60_000);
afterAll(async () => t.close());

/** A fresh public room that admits guests, with a room admin, a member and a pending join review. */
async function buildScene(): Promise<Scene> {
  const db = t.database.db;
  const room = await insertRoom(db, { createdBy: accounts.creator.userId, isPublic: true, allowGuestJoin: true });
  await insertMember(db, room.id, accounts.roomAdmin.userId, "ADMIN");
  await insertMember(db, room.id, accounts.member.userId, "MEMBER");
  const outsider = await insertUser(db, {});
  const applicant = await insertUser(db, {});
  const [review] = await db
    .insert(roomJoinRequests)
    .values({ roomId: room.id, userId: applicant.id, requestedRole: 3 })
    .returning({ id: roomJoinRequests.id });
  const other = await insertRoom(db, { createdBy: accounts.otherRoomMember.userId });
  return {
    roomId: ids.encode("room", room.id),
    roomNumericId: room.id,
    memberId: ids.encode("usr", accounts.member.userId),
    adminId: ids.encode("usr", accounts.roomAdmin.userId),
    outsiderId: ids.encode("usr", outsider.id),
    reviewId: ids.encode("rev", review!.id),
    otherRoomId: ids.encode("room", other.id),
  };
}

async function tokenFor(actor: ActorName, scene: Scene): Promise<string | undefined> {
  if (actor === "anonymous") return undefined;
  if (actor === "guest") {
    const r = await callJson<{ token: string }>(t.baseUrl, "synctv.v1.AuthService/CreateGuestToken", {
      roomId: scene.roomId,
    });
    if (r.status !== 200) throw new Error(`guest token: ${JSON.stringify(r.body)}`);
    return r.body.token;
  }
  return accounts[actor].accessToken;
}

describe("authorization matrix", () => {
  for (const c of cases) {
    describe(c.rpc, () => {
      for (const actor of ACTORS) {
        const expected = c.expect[actor];
        it(`${actor} → ${expected}`, async () => {
          const scene = await buildScene();
          const token = await tokenFor(actor, scene);
          const r = await callJson(t.baseUrl, `synctv.v1.${c.rpc}`, c.body(scene), token);
          if (expected === "ok") {
            expect(r.status, JSON.stringify(r.body)).toBe(200);
          } else {
            expect(r.errorInfo?.errorCode, JSON.stringify(r.body)).toBe(expected);
          }
        });
      }
    });
  }
});

describe("ids of another room answer NOT_FOUND", () => {
  it("a review id of another room", async () => {
    const a = await buildScene();
    const b = await buildScene();
    const r = await callJson(
      t.baseUrl,
      "synctv.v1.RoomService/ApproveRoomJoinReview",
      { roomId: a.roomId, reviewId: b.reviewId },
      accounts.creator.accessToken,
    );
    expect(r.errorInfo?.errorCode).toBe(2000);
  });

  it("a member of another room as a kick or display target", async () => {
    const a = await buildScene();
    const otherCreator = ids.encode("usr", accounts.otherRoomMember.userId);
    for (const [rpc, body] of [
      ["KickMember", { roomId: a.roomId, userId: otherCreator, kickCooldownSeconds: 60 }],
      ["UpdateMemberDisplay", { roomId: a.roomId, userId: otherCreator, displayTag: "x" }],
      ["UpdateMemberPermissions", { roomId: a.roomId, userId: otherCreator, addedPermissions: "1" }],
    ] as const) {
      const r = await callJson(t.baseUrl, `synctv.v1.RoomService/${rpc}`, body, accounts.creator.accessToken);
      expect(r.errorInfo?.errorCode, `${rpc}: ${JSON.stringify(r.body)}`).toBe(2000);
    }
  });
});

describe("a guest token is bound to its room", () => {
  it("works in its own room and answers NOT_A_MEMBER (4001) in another", async () => {
    const a = await buildScene();
    const b = await buildScene();
    const token = await tokenFor("guest", a);
    expect((await callJson(t.baseUrl, "synctv.v1.RoomService/GetRoom", { roomId: a.roomId }, token)).status).toBe(200);
    const elsewhere = await callJson(t.baseUrl, "synctv.v1.RoomService/GetRoom", { roomId: b.roomId }, token);
    expect(elsewhere.errorInfo?.errorCode).toBe(4001);
  });
});
