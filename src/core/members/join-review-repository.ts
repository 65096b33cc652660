// Join reviews in room_join_requests (spec 04 §7.3, 06 §3.2): at most one pending review per
// (room, user), enforced by a partial unique index; approval and rejection stamp reviewer and time.
import { and, count, desc, eq, isNull, type SQL } from "drizzle-orm";
import type { DbExecutor, DbTransaction } from "../../infra/db/database-port.js";
import { JoinRequestStatus, RoomMemberRole, roomJoinRequests, users } from "../../infra/db/schema/index.js";

export type ReviewStatus = "PENDING" | "APPROVED" | "REJECTED";

export interface JoinReviewRecord {
  id: number;
  roomId: number;
  userId: number;
  username: string;
  requestedRole: "ADMIN" | "MEMBER";
  status: ReviewStatus;
  requestedAt: number;
  reviewedAt: number | null;
  reviewedBy: number | null;
  rejectionReason: string;
}

const STATUS_CODE: Record<ReviewStatus, number> = {
  PENDING: JoinRequestStatus.pending,
  APPROVED: JoinRequestStatus.approved,
  REJECTED: JoinRequestStatus.rejected,
};
const STATUS_BY_CODE: Record<number, ReviewStatus> = { 1: "PENDING", 2: "APPROVED", 3: "REJECTED" };

const r = roomJoinRequests;
const columns = {
  id: r.id,
  roomId: r.roomId,
  userId: r.userId,
  username: users.username,
  requestedRole: r.requestedRole,
  status: r.status,
  createdAt: r.createdAt,
  reviewedAt: r.reviewedAt,
  reviewedBy: r.reviewedBy,
  rejectionReason: r.rejectionReason,
};

interface Row {
  id: number;
  roomId: number;
  userId: number;
  username: string;
  requestedRole: number;
  status: number;
  createdAt: Date;
  reviewedAt: Date | null;
  reviewedBy: number | null;
  rejectionReason: string | null;
}

function toRecord(row: Row): JoinReviewRecord {
  return {
    id: row.id,
    roomId: row.roomId,
    userId: row.userId,
    username: row.username,
    requestedRole: row.requestedRole === RoomMemberRole.admin ? "ADMIN" : "MEMBER",
    status: STATUS_BY_CODE[row.status] ?? "PENDING",
    requestedAt: row.createdAt.getTime(),
    reviewedAt: row.reviewedAt?.getTime() ?? null,
    reviewedBy: row.reviewedBy,
    rejectionReason: row.rejectionReason ?? "",
  };
}

async function selectOne(db: DbExecutor, where: SQL | undefined, lock = false): Promise<JoinReviewRecord | null> {
  const query = db.select(columns).from(r).innerJoin(users, eq(users.id, r.userId)).where(where);
  const [row] = lock ? await query.for("update", { of: r }) : await query;
  return row ? toRecord(row) : null;
}

export function findPendingReview(db: DbExecutor, roomId: number, userId: number): Promise<JoinReviewRecord | null> {
  return selectOne(db, and(eq(r.roomId, roomId), eq(r.userId, userId), isNull(r.reviewedAt)));
}

/**
 * The pending review of (room, user), created when there is none. The caller holds the (room, user)
 * slot lock, so the select-then-insert cannot race another JoinRoom of the same user.
 */
export async function findOrCreatePendingReview(
  tx: DbTransaction,
  roomId: number,
  userId: number,
  now: number,
): Promise<JoinReviewRecord> {
  const existing = await findPendingReview(tx, roomId, userId);
  if (existing) return existing;
  const [inserted] = await tx
    .insert(r)
    .values({ roomId, userId, requestedRole: RoomMemberRole.member, createdAt: new Date(now) })
    .returning({ id: r.id });
  if (!inserted) throw new Error("join review insert returned no row");
  const created = await selectOne(tx, eq(r.id, inserted.id));
  if (!created) throw new Error("join review vanished after insert");
  return created;
}

/** The review, unlocked; null when it does not exist in this room. */
export function findReview(db: DbExecutor, roomId: number, reviewId: number): Promise<JoinReviewRecord | null> {
  return selectOne(db, and(eq(r.id, reviewId), eq(r.roomId, roomId)));
}

/** The review, locked FOR UPDATE; null when it does not exist in this room (a foreign id is NOT_FOUND). */
export function lockReview(tx: DbTransaction, roomId: number, reviewId: number): Promise<JoinReviewRecord | null> {
  return selectOne(tx, and(eq(r.id, reviewId), eq(r.roomId, roomId)), true);
}

export interface ReviewDecision {
  status: "APPROVED" | "REJECTED";
  reviewedBy: number | null;
  now: number;
  rejectionReason?: string;
}

/** Closes a pending review; returns the updated record (the username is carried over). */
export async function decideReview(
  tx: DbTransaction,
  review: JoinReviewRecord,
  decision: ReviewDecision,
): Promise<JoinReviewRecord> {
  // The CHECK wants a non-blank reason or NULL: an empty reason is stored as NULL.
  const reason = decision.rejectionReason?.trim() ? decision.rejectionReason : null;
  await tx
    .update(r)
    .set({
      status: STATUS_CODE[decision.status],
      reviewedAt: new Date(decision.now),
      reviewedBy: decision.reviewedBy,
      rejectionReason: decision.status === "REJECTED" ? reason : null,
    })
    .where(eq(r.id, review.id));
  return {
    ...review,
    status: decision.status,
    reviewedAt: decision.now,
    reviewedBy: decision.reviewedBy,
    rejectionReason: decision.status === "REJECTED" ? (reason ?? "") : "",
  };
}

/** AddMember turns the target's pending review APPROVED (04 §7.2); no-op without one. */
export async function approvePendingReviewOf(
  tx: DbTransaction,
  roomId: number,
  userId: number,
  reviewedBy: number | null,
  now: number,
): Promise<void> {
  await tx
    .update(r)
    .set({ status: JoinRequestStatus.approved, reviewedAt: new Date(now), reviewedBy })
    .where(and(eq(r.roomId, roomId), eq(r.userId, userId), isNull(r.reviewedAt)));
}

export interface ReviewQuery {
  roomId: number;
  status?: ReviewStatus;
  userId?: number;
  offset: number;
  limit: number;
}

/** Newest requests first, id as the tiebreaker (02 §2.6). */
export async function listReviews(
  db: DbExecutor,
  q: ReviewQuery,
): Promise<{ reviews: JoinReviewRecord[]; total: number }> {
  const where = and(
    eq(r.roomId, q.roomId),
    q.status === undefined ? undefined : eq(r.status, STATUS_CODE[q.status]),
    q.userId === undefined ? undefined : eq(r.userId, q.userId),
  );
  const rows = await db
    .select(columns)
    .from(r)
    .innerJoin(users, eq(users.id, r.userId))
    .where(where)
    .orderBy(desc(r.createdAt), desc(r.id))
    .limit(q.limit)
    .offset(q.offset);
  const [totalRow] = await db.select({ n: count() }).from(r).where(where);
  return { reviews: rows.map(toRecord), total: Number(totalRow?.n ?? 0) };
}
