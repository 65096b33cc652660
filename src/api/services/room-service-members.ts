// RoomService membership RPCs (02 §3.3): JoinRoom, LeaveRoom, member lists and moderation, join
// reviews. Transport only: decode ids and enums, call RoomMembership, map the results back.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { SortDirection } from "../../../gen/synctv/v1/common_pb.js";
import {
  type RoomJoinReview,
  RoomJoinReviewSchema,
  RoomJoinReviewStatus,
  RoomMemberRole,
  RoomPresenceSchema,
} from "../../../gen/synctv/v1/room_pb.js";
import { RoomMemberSortBy, type RoomService } from "../../../gen/synctv/v1/room_service_pb.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { JoinReviewRecord, ReviewStatus } from "../../core/members/join-review-repository.js";
import type { KickTarget } from "../../core/members/leave-and-kick.js";
import { type MemberSort, pageOf } from "../../core/members/member-listing.js";
import type { MemberView } from "../../core/members/member-views.js";
import type { RoomMembership } from "../../core/members/room-membership.js";
import type { MemberOverrides, RoomRole } from "../../core/permissions/index.js";
import { callerOf, originOf } from "../caller.js";
import { roleToWire, toRoomMemberMessage, toRoomMessage } from "../mappers/room.js";

export interface RoomMembershipDeps {
  membership: RoomMembership;
  ids: PublicIdCodec;
}

const ROLE_FROM_WIRE: Partial<Record<RoomMemberRole, RoomRole>> = {
  [RoomMemberRole.CREATOR]: "CREATOR",
  [RoomMemberRole.ADMIN]: "ADMIN",
  [RoomMemberRole.MEMBER]: "MEMBER",
  [RoomMemberRole.GUEST]: "GUEST",
};
const STORED_ROLE_FROM_WIRE: Partial<Record<RoomMemberRole, "CREATOR" | "ADMIN" | "MEMBER">> = {
  [RoomMemberRole.CREATOR]: "CREATOR",
  [RoomMemberRole.ADMIN]: "ADMIN",
  [RoomMemberRole.MEMBER]: "MEMBER",
};
const SORT_FROM_WIRE: Record<RoomMemberSortBy, MemberSort> = {
  [RoomMemberSortBy.UNSPECIFIED]: "JOINED_AT",
  [RoomMemberSortBy.JOINED_AT]: "JOINED_AT",
  [RoomMemberSortBy.USERNAME]: "USERNAME",
  [RoomMemberSortBy.ROLE]: "ROLE",
};
const STATUS_FROM_WIRE: Partial<Record<RoomJoinReviewStatus, ReviewStatus>> = {
  [RoomJoinReviewStatus.PENDING]: "PENDING",
  [RoomJoinReviewStatus.APPROVED]: "APPROVED",
  [RoomJoinReviewStatus.REJECTED]: "REJECTED",
};
const STATUS_TO_WIRE: Record<ReviewStatus, RoomJoinReviewStatus> = {
  PENDING: RoomJoinReviewStatus.PENDING,
  APPROVED: RoomJoinReviewStatus.APPROVED,
  REJECTED: RoomJoinReviewStatus.REJECTED,
};

export function roomMembershipHandlers(deps: RoomMembershipDeps): Partial<ServiceImpl<typeof RoomService>> {
  const { membership, ids } = deps;
  const room = (publicId: string) => ids.decode("room", publicId);
  const member = (v: MemberView) =>
    toRoomMemberMessage(v.member, ids, {
      username: v.username,
      effective: v.effective,
      showOverrides: v.showOverrides,
      ...(v.presence ?? {}),
    });
  const review = (r: JoinReviewRecord): RoomJoinReview =>
    create(RoomJoinReviewSchema, {
      id: ids.encode("rev", r.id),
      roomId: ids.encode("room", r.roomId),
      userId: ids.encode("usr", r.userId),
      username: r.username,
      requestedRole: roleToWire[r.requestedRole],
      status: STATUS_TO_WIRE[r.status],
      requestedAt: BigInt(r.requestedAt),
      reviewedAt: BigInt(r.reviewedAt ?? 0),
      reviewedByUserId: r.reviewedBy === null ? "" : ids.encode("usr", r.reviewedBy),
      rejectionReason: r.rejectionReason,
    });

  return {
    async joinRoom(req, ctx) {
      const outcome = await membership.join(
        await callerOf(ctx),
        { roomId: room(req.roomId), password: req.password, remarkName: req.remarkName, displayTag: req.displayTag },
        originOf(ctx),
      );
      // playback_state arrives with the playback issue.
      if (outcome.kind === "review") {
        return {
          room: toRoomMessage(outcome.state, ids, { includeSettings: false }),
          requiresApproval: true,
          joinReview: review(outcome.review),
        };
      }
      return {
        room: toRoomMessage(outcome.state, ids, { includeSettings: true }),
        selfMember: member(outcome.self),
        requiresApproval: false,
      };
    },
    async leaveRoom(req, ctx) {
      await membership.leave(await callerOf(ctx), room(req.roomId));
      return {};
    },
    async listRoomMembers(req, ctx) {
      const list = await membership.listMembers(await callerOf(ctx), {
        roomId: room(req.roomId),
        page: pageOf(req.page, req.pageSize),
        search: req.search,
        role: req.role === undefined ? undefined : STORED_ROLE_FROM_WIRE[req.role],
        sortBy: SORT_FROM_WIRE[req.sortBy],
        descending: req.sortDirection === SortDirection.DESC,
      });
      return {
        members: list.members.map(member),
        total: list.total,
        presence: create(RoomPresenceSchema, { ...list.presence, sampledAt: BigInt(list.presence.sampledAt) }),
      };
    },
    async getSelfRoomMember(req, ctx) {
      return { member: member(await membership.selfMember(await callerOf(ctx), room(req.roomId))) };
    },
    async addMember(req, ctx) {
      const added = await membership.addMember(await callerOf(ctx), {
        roomId: room(req.roomId),
        userId: ids.decode("usr", req.userId),
        role: ROLE_FROM_WIRE[req.role],
        remarkName: req.remarkName,
        displayTag: req.displayTag,
      });
      return { member: member(added) };
    },
    async updateMemberPermissions(req, ctx) {
      const overrides: Partial<MemberOverrides> = {
        added: req.addedPermissions,
        removed: req.removedPermissions,
        adminAdded: req.adminAddedPermissions,
        adminRemoved: req.adminRemovedPermissions,
      };
      const updated = await membership.updatePermissions(await callerOf(ctx), {
        roomId: room(req.roomId),
        userId: ids.decode("usr", req.userId),
        role: req.role === undefined ? undefined : ROLE_FROM_WIRE[req.role],
        overrides,
        expectedVersion: req.expectedVersion === undefined ? undefined : Number(req.expectedVersion),
      });
      return { member: member(updated) };
    },
    async updateMemberDisplay(req, ctx) {
      const updated = await membership.updateDisplay(await callerOf(ctx), {
        roomId: room(req.roomId),
        userId: ids.decode("usr", req.userId),
        remarkName: req.remarkName,
        displayTag: req.displayTag,
      });
      return { member: member(updated) };
    },
    async kickMember(req, ctx) {
      const target: KickTarget =
        req.target.case === "guestId"
          ? { kind: "guest", guestId: req.target.value }
          : { kind: "user", userId: ids.decode("usr", req.target.value ?? "") };
      const endsAt = await membership.kick(await callerOf(ctx), {
        roomId: room(req.roomId),
        target,
        cooldownSeconds: req.kickCooldownSeconds === undefined ? undefined : Number(req.kickCooldownSeconds),
        reason: req.reason,
      });
      return { cooldownEndsAt: BigInt(endsAt) };
    },
    async listRoomJoinReviews(req, ctx) {
      const list = await membership.listReviews(await callerOf(ctx), {
        roomId: room(req.roomId),
        status: req.status === undefined ? undefined : STATUS_FROM_WIRE[req.status],
        userId: req.userId === "" ? undefined : ids.decode("usr", req.userId),
        page: pageOf(req.page, req.pageSize),
      });
      return { reviews: list.reviews.map(review), total: list.total };
    },
    async approveRoomJoinReview(req, ctx) {
      const outcome = await membership.approveReview(
        await callerOf(ctx),
        room(req.roomId),
        ids.decode("rev", req.reviewId),
      );
      return { review: review(outcome.review), member: outcome.member ? member(outcome.member) : undefined };
    },
    async rejectRoomJoinReview(req, ctx) {
      const outcome = await membership.rejectReview(
        await callerOf(ctx),
        room(req.roomId),
        ids.decode("rev", req.reviewId),
        req.reason,
      );
      return { review: review(outcome.review) };
    },
  };
}
