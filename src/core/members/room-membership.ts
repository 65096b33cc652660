// Room membership (spec 04 §7, 02 §3.3): one entry point for the transports and the management CLI,
// built from the flows that own each rule.
import type { Actor } from "../actor.js";
import type { RequestOrigin } from "../auth/auth-deps.js";
import type { JoinReviewRecord } from "./join-review-repository.js";
import { JoinReviews, type ReviewListInput, type ReviewOutcome } from "./join-reviews.js";
import { type JoinOutcome, JoinRoom, type JoinRoomInput } from "./join-room.js";
import { type KickInput, LeaveAndKick } from "./leave-and-kick.js";
import { type MemberList, type MemberListInput, MemberListing } from "./member-listing.js";
import {
  type AddMemberInput,
  MemberManagement,
  type UpdateDisplayInput,
  type UpdatePermissionsInput,
} from "./member-management.js";
import type { MemberView } from "./member-views.js";
import type { MembershipDeps } from "./membership-deps.js";

export class RoomMembership {
  readonly #join: JoinRoom;
  readonly #leaveAndKick: LeaveAndKick;
  readonly #listing: MemberListing;
  readonly #management: MemberManagement;
  readonly #reviews: JoinReviews;

  constructor(deps: MembershipDeps) {
    this.#join = new JoinRoom(deps);
    this.#leaveAndKick = new LeaveAndKick(deps);
    this.#listing = new MemberListing(deps);
    this.#management = new MemberManagement(deps);
    this.#reviews = new JoinReviews(deps);
  }

  join(actor: Actor, input: JoinRoomInput, origin: RequestOrigin): Promise<JoinOutcome> {
    return this.#join.join(actor, input, origin);
  }
  leave(actor: Actor, roomId: number): Promise<void> {
    return this.#leaveAndKick.leave(actor, roomId);
  }
  kick(actor: Actor, input: KickInput): Promise<number> {
    return this.#leaveAndKick.kick(actor, input);
  }
  listMembers(actor: Actor, input: MemberListInput): Promise<MemberList> {
    return this.#listing.list(actor, input);
  }
  selfMember(actor: Actor, roomId: number): Promise<MemberView> {
    return this.#listing.self(actor, roomId);
  }
  addMember(actor: Actor, input: AddMemberInput): Promise<MemberView> {
    return this.#management.add(actor, input);
  }
  updatePermissions(actor: Actor, input: UpdatePermissionsInput): Promise<MemberView> {
    return this.#management.updatePermissions(actor, input);
  }
  updateDisplay(actor: Actor, input: UpdateDisplayInput): Promise<MemberView> {
    return this.#management.updateDisplay(actor, input);
  }
  listReviews(actor: Actor, input: ReviewListInput): Promise<{ reviews: JoinReviewRecord[]; total: number }> {
    return this.#reviews.list(actor, input);
  }
  approveReview(actor: Actor, roomId: number, reviewId: number): Promise<ReviewOutcome> {
    return this.#reviews.approve(actor, roomId, reviewId);
  }
  rejectReview(actor: Actor, roomId: number, reviewId: number, reason: string): Promise<ReviewOutcome> {
    return this.#reviews.reject(actor, roomId, reviewId, reason);
  }
}

/** What the composition root calls. */
export function createRoomMembership(deps: MembershipDeps): RoomMembership {
  return new RoomMembership(deps);
}
