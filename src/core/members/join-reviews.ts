// Reviewing join requests (spec 04 §7.3): list, approve (which admits the user like §7.1 step 12) and
// reject. Needs review_join_requests.
import type { DbTransaction } from "../../infra/db/database-port.js";
import type { Actor } from "../actor.js";
import { AppCode, failedPrecondition, notFound, permissionDenied } from "../errors.js";
import { loadMember } from "../rooms/member-record.js";
import { type RoomContext, requirePermission } from "../rooms/room-access.js";
import { findUserById } from "../users/user-repository.js";
import {
  decideReview,
  findReview,
  type JoinReviewRecord,
  listReviews,
  lockReview,
  type ReviewStatus,
} from "./join-review-repository.js";
import { assertNoCooldown } from "./kick-cooldowns.js";
import { checkReason } from "./leave-and-kick.js";
import { admitMember } from "./member-admission.js";
import type { Page } from "./member-listing.js";
import { type MemberView, memberView, viewerOf } from "./member-views.js";
import type { MembershipDeps } from "./membership-deps.js";
import { lockMemberSlot } from "./membership-rows.js";

export interface ReviewListInput {
  roomId: number;
  status?: ReviewStatus | undefined;
  userId?: number | undefined;
  page: Page;
}

export interface ReviewOutcome {
  review: JoinReviewRecord;
  /** Set on approval. */
  member?: MemberView;
}

const notPending = () => failedPrecondition("The review is no longer pending");

export class JoinReviews {
  constructor(private readonly deps: MembershipDeps) {}

  async list(actor: Actor, input: ReviewListInput): Promise<{ reviews: JoinReviewRecord[]; total: number }> {
    await this.#reviewer(actor, input.roomId);
    return listReviews(this.deps.database.db, {
      roomId: input.roomId,
      status: input.status,
      userId: input.userId,
      offset: input.page.offset,
      limit: input.page.limit,
    });
  }

  async approve(actor: Actor, roomId: number, reviewId: number): Promise<ReviewOutcome> {
    const { access, clock, writer } = this.deps;
    await this.deps.chat?.prepare(clock.now());
    return writer.run(async (tx, events) => {
      const ctx = await this.#reviewer(actor, roomId, tx);
      const reviewerId = ctx.member?.userId ?? null;
      const found = await findReview(tx, roomId, reviewId);
      if (!found) throw notFound("Join review not found");
      // The slot lock first (as JoinRoom and AddMember take it), then the review row: its status is
      // read under both locks.
      await lockMemberSlot(tx, roomId, found.userId);
      const review = await lockReview(tx, roomId, reviewId);
      if (!review) throw notFound("Join review not found");
      if (review.status !== "PENDING") throw notPending();

      const target = await findUserById(tx, review.userId);
      if (target?.status !== "ACTIVE") {
        throw permissionDenied("The user is not active", { code: AppCode.USER_BANNED });
      }
      const now = clock.now();
      const decided = () => decideReview(tx, review, { status: "APPROVED", reviewedBy: reviewerId, now });
      const existing = await loadMember(tx, roomId, review.userId);
      if (existing) {
        // Already a member (e.g. added meanwhile): close the review, no second admission.
        return {
          review: await decided(),
          member: memberView(access, ctx.state, existing, target.username, viewerOf(ctx)),
        };
      }
      await assertNoCooldown(tx, roomId, review.userId, now);
      const admitted = await admitMember(tx, events, {
        state: ctx.state,
        roomId,
        userId: review.userId,
        role: review.requestedRole,
        remarkName: "",
        displayTag: "",
        actorUserId: reviewerId,
        now,
        chat: this.deps.chat,
      });
      // Notifying the user (P2) happens after commit, with notifications.
      return {
        review: await decided(),
        member: memberView(access, admitted.state, admitted.member, target.username, viewerOf(ctx)),
      };
    });
  }

  /** The user may ask again later: a rejection closes this review only. */
  async reject(actor: Actor, roomId: number, reviewId: number, reason: string): Promise<ReviewOutcome> {
    checkReason(reason);
    return this.deps.writer.run(async (tx) => {
      const ctx = await this.#reviewer(actor, roomId, tx);
      const review = await lockReview(tx, roomId, reviewId);
      if (!review) throw notFound("Join review not found");
      if (review.status !== "PENDING") throw notPending();
      const decided = await decideReview(tx, review, {
        status: "REJECTED",
        reviewedBy: ctx.member?.userId ?? null,
        now: this.deps.clock.now(),
        rejectionReason: reason,
      });
      return { review: decided };
    });
  }

  /**
   * review_join_requests. A platform admin who is not a member gets 4001 here like everywhere in
   * RoomService (04 §1: other moderation goes through AdminService).
   */
  async #reviewer(actor: Actor, roomId: number, tx?: DbTransaction): Promise<RoomContext> {
    const ctx = await this.deps.access.enter(actor, roomId, { db: tx, lockMember: tx ? "share" : undefined });
    requirePermission(ctx, "review_join_requests");
    return ctx;
  }
}
