// Join reviews (spec 04 §7.3, checklist 8): approval admits and emits once, a non-pending review is
// 3001, an already-member target is approved without a second admission, rejection keeps its reason
// and the user may ask again, approval re-checks the target, the capacity and the reviewer's rights.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { banUser } from "../../src/core/users/user-repository.js";
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

interface WireReview {
  id: string;
  userId: string;
  username: string;
  status: string;
  reviewedAt?: string;
  reviewedByUserId?: string;
  rejectionReason?: string;
}

const approvalRoom = (settings: Record<string, unknown> = {}) =>
  makeRoom(n, { createdBy: creator.id, settings: { requireApproval: true, ...settings } });

async function requestJoin(room: TestRoom, user: TestUser): Promise<WireReview> {
  const r = await n.room<{ joinReview: WireReview }>("JoinRoom", { roomId: room.publicId }, user.token);
  expect(r.body.joinReview?.status).toBe("ROOM_JOIN_REVIEW_STATUS_PENDING");
  return r.body.joinReview;
}

const approve = (room: TestRoom, reviewId: string, token: string) =>
  n.room<{ review: WireReview; member?: { userId: string; role: string } }>(
    "ApproveRoomJoinReview",
    { roomId: room.publicId, reviewId },
    token,
  );
const reject = (room: TestRoom, reviewId: string, token: string, reason = "") =>
  n.room<{ review: WireReview }>("RejectRoomJoinReview", { roomId: room.publicId, reviewId, reason }, token);

describe("approval", () => {
  it("admits the user once, marks the review APPROVED with reviewer and time, and emits one JOINED", async () => {
    const room = await approvalRoom();
    const user = await mintUser(n);
    const review = await requestJoin(room, user);
    const r = await approve(room, review.id, creator.token);
    expect(r.status).toBe(200);
    expect(r.body.review).toMatchObject({
      id: review.id,
      status: "ROOM_JOIN_REVIEW_STATUS_APPROVED",
      reviewedByUserId: creator.publicId,
      username: user.username,
    });
    expect(Number(r.body.review.reviewedAt)).toBeGreaterThan(0);
    expect(r.body.member).toMatchObject({ userId: user.publicId, role: "ROOM_MEMBER_ROLE_MEMBER" });
    expect(await isMember(n.db, room.id, user.id)).toBe(true);

    const again = await approve(room, review.id, creator.token);
    expect(again.status).toBe(400);
    expect(again.errorInfo?.errorCode).toBe(3001);
    const events = await memberEvents(n.db, room.id);
    expect(events.map((e) => [e.eventType, e.userId, e.actorUserId])).toEqual([["member.joined", user.id, creator.id]]);
  });

  it("approves a target that became a member meanwhile without admitting it twice", async () => {
    const room = await approvalRoom();
    const user = await mintUser(n);
    const review = await requestJoin(room, user);
    await addStoredMember(n.db, room.id, user.id);
    const r = await approve(room, review.id, creator.token);
    expect(r.status).toBe(200);
    expect(r.body.review.status).toBe("ROOM_JOIN_REVIEW_STATUS_APPROVED");
    expect(r.body.member?.userId).toBe(user.publicId);
    expect(await memberEvents(n.db, room.id)).toEqual([]);
  });

  it("re-checks the target (4002 when banned meanwhile) and the capacity (3102)", async () => {
    const room = await approvalRoom({ maxMembers: 2 });
    const banned = await mintUser(n);
    const first = await mintUser(n);
    const second = await mintUser(n);
    const bannedReview = await requestJoin(room, banned);
    const firstReview = await requestJoin(room, first);
    const secondReview = await requestJoin(room, second);
    await n.t.database.tx((tx) => banUser(tx, { userId: banned.id, bannedBy: null, reason: "spam", endsAt: null }));
    expect((await approve(room, bannedReview.id, creator.token)).errorInfo?.errorCode).toBe(4002);
    expect((await approve(room, firstReview.id, creator.token)).status).toBe(200);
    expect((await approve(room, secondReview.id, creator.token)).errorInfo?.errorCode).toBe(3102);
  });

  it("needs review_join_requests: a member gets 4000, a non-member platform admin 4001, an admin may", async () => {
    const room = await approvalRoom();
    const member = await mintUser(n);
    await addStoredMember(n.db, room.id, member.id);
    const user = await mintUser(n);
    const review = await requestJoin(room, user);
    const denied = await approve(room, review.id, member.token);
    expect(denied.errorInfo?.errorCode).toBe(4000);
    expect(denied.errorInfo?.metadata["permission"]).toBe("review_join_requests");
    const platformAdmin = await mintUser(n, { role: "ADMIN" });
    expect((await approve(room, review.id, platformAdmin.token)).errorInfo?.errorCode).toBe(4001);
    const roomAdmin = await mintUser(n);
    await addStoredMember(n.db, room.id, roomAdmin.id, "ADMIN");
    const r = await approve(room, review.id, roomAdmin.token);
    expect(r.status).toBe(200);
    expect(r.body.review.reviewedByUserId).toBe(roomAdmin.publicId);
  });

  it("a review of another room is NOT_FOUND", async () => {
    const room = await approvalRoom();
    const other = await approvalRoom();
    const review = await requestJoin(other, await mintUser(n));
    expect((await approve(room, review.id, creator.token)).status).toBe(404);
  });
});

describe("rejection", () => {
  it("keeps the reason, refuses a second decision (3001), and the user can ask again with a new review", async () => {
    const room = await approvalRoom();
    const user = await mintUser(n);
    const review = await requestJoin(room, user);
    const r = await reject(room, review.id, creator.token, "Friends only");
    expect(r.status).toBe(200);
    expect(r.body.review).toMatchObject({
      status: "ROOM_JOIN_REVIEW_STATUS_REJECTED",
      rejectionReason: "Friends only",
    });
    expect((await reject(room, review.id, creator.token)).errorInfo?.errorCode).toBe(3001);
    expect((await approve(room, review.id, creator.token)).errorInfo?.errorCode).toBe(3001);
    expect(await isMember(n.db, room.id, user.id)).toBe(false);

    const again = await requestJoin(room, user);
    expect(again.id).not.toBe(review.id);
  });

  it("refuses a reason longer than 500 characters (3000)", async () => {
    const room = await approvalRoom();
    const review = await requestJoin(room, await mintUser(n));
    expect((await reject(room, review.id, creator.token, "x".repeat(501))).errorInfo?.errorCode).toBe(3000);
  });
});

describe("ListRoomJoinReviews", () => {
  it("lists newest first with a total, filtered by status and user; needs review_join_requests", async () => {
    const room = await approvalRoom();
    const [a, b, c] = [await mintUser(n), await mintUser(n), await mintUser(n)];
    const ra = await requestJoin(room, a);
    await requestJoin(room, b);
    const rc = await requestJoin(room, c);
    await reject(room, ra.id, creator.token, "no");
    const list = (body: Record<string, unknown>, token = creator.token) =>
      n.room<{ reviews: WireReview[]; total?: number }>(
        "ListRoomJoinReviews",
        { roomId: room.publicId, ...body },
        token,
      );

    const all = await list({});
    expect(all.body.total).toBe(3);
    expect(all.body.reviews[0]?.id).toBe(rc.id);
    const pending = await list({ status: "ROOM_JOIN_REVIEW_STATUS_PENDING" });
    expect(pending.body.reviews.map((r) => r.userId).sort()).toEqual([b.publicId, c.publicId].sort());
    const ofA = await list({ userId: a.publicId });
    expect(ofA.body.reviews.map((r) => r.status)).toEqual(["ROOM_JOIN_REVIEW_STATUS_REJECTED"]);
    const paged = await list({ pageSize: 1, page: 2 });
    expect(paged.body.reviews).toHaveLength(1);
    expect(paged.body.total).toBe(3);

    const member = await mintUser(n);
    await addStoredMember(n.db, room.id, member.id);
    expect((await list({}, member.token)).errorInfo?.errorCode).toBe(4000);
  });
});
