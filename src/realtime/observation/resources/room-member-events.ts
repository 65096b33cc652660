// `room_member_events` (03 §2): joined / left / permission changed / kicked, replayed from the room's
// durable log after a room_seq cursor, for holders of view_members. Payloads are built from the
// event's own snapshot of the member row; override masks show only to the member itself or to
// holders of manage_member_permissions (02 §3.3).
import { create } from "@bufbuild/protobuf";
import { type RoomMember, RoomMemberEventKind, RoomMemberEventSchema } from "../../../../gen/synctv/v1/room_pb.js";
import { toRoomMemberMessage } from "../../../api/mappers/room.js";
import { usernameOf, viewerOf } from "../../../core/members/member-views.js";
import { loadMember, type MemberRecord } from "../../../core/rooms/member-record.js";
import { requirePermission } from "../../../core/rooms/room-access.js";
import type { RoomEventEnvelope } from "../../../infra/db/events/room-event-log.js";
import { roomLogReplay } from "../durable-log-replay.js";
import {
  defineResource,
  type ObservationDeps,
  type ObservationViewer,
  type ResourceDefinition,
} from "../resource-definition.js";

const MEMBER_RESOURCE = "room_member";

const KIND: Record<string, RoomMemberEventKind> = {
  "member.joined": RoomMemberEventKind.JOINED,
  "member.left": RoomMemberEventKind.LEFT,
  "member.kicked": RoomMemberEventKind.KICKED,
  "member.permission_changed": RoomMemberEventKind.PERMISSION_CHANGED,
};

/** `member` of appendMemberEvent's payload; masks are decimal strings (JSON has no 64-bit integers). */
interface StoredMember {
  role: MemberRecord["role"];
  addedPermissions: string;
  removedPermissions: string;
  adminAddedPermissions: string;
  adminRemovedPermissions: string;
  remarkName: string;
  displayTag: string;
  joinedAt: number;
  version: number;
}

interface StoredPayload {
  member?: StoredMember | null;
  reason?: string;
  cooldownEndsAt?: number;
}

export function roomMemberEventsResource(deps: ObservationDeps): ResourceDefinition {
  const { ids } = deps;
  // One username read per event, not one per viewer: the fan-out shares it.
  const usernames = new BoundedMemo<Promise<string>>(512);

  const memberOf = async (envelope: RoomEventEnvelope, stored: StoredPayload): Promise<MemberRecord | null> => {
    const userId = envelope.userId;
    if (userId === null) return null;
    if (stored.member) {
      const m = stored.member;
      return {
        roomId: envelope.roomId,
        userId,
        role: m.role,
        overrides: {
          added: BigInt(m.addedPermissions),
          removed: BigInt(m.removedPermissions),
          adminAdded: BigInt(m.adminAddedPermissions),
          adminRemoved: BigInt(m.adminRemovedPermissions),
        },
        remarkName: m.remarkName,
        displayTag: m.displayTag,
        joinedAt: m.joinedAt,
        lastVisitedAt: null,
        visitCount: 0,
        version: m.version,
      };
    }
    // Role changes written by ownership transfer carry no row snapshot: show the row as it is now.
    if (envelope.eventType === "member.permission_changed")
      return loadMember(deps.database.db, envelope.roomId, userId);
    return null;
  };

  const toMessage = async (envelope: RoomEventEnvelope, viewer: ObservationViewer) => {
    const stored = (envelope.payload ?? {}) as StoredPayload;
    const userId = envelope.userId;
    const username =
      userId === null ? "" : await usernames.get(envelope.eventId, () => usernameOf(deps.database.db, userId));
    const record = await memberOf(envelope, stored);
    let member: RoomMember | undefined;
    if (record !== null) {
      const v = viewerOf(viewer);
      member = toRoomMemberMessage(record, ids, {
        username,
        effective: deps.access.effectiveFor(record.role, viewer.state, record),
        showOverrides: v.canManagePermissions || v.userId === record.userId,
      });
    }
    const selfAction = envelope.actorUserId !== null && envelope.actorUserId === userId;
    return create(RoomMemberEventSchema, {
      eventId: envelope.eventId,
      roomId: ids.encode("room", envelope.roomId),
      kind: KIND[envelope.eventType] ?? RoomMemberEventKind.UNSPECIFIED,
      userId: userId === null ? "" : ids.encode("usr", userId),
      username,
      member,
      actorUserId: envelope.actorUserId === null || selfAction ? "" : ids.encode("usr", envelope.actorUserId),
      reason: stored.reason ?? "",
      cooldownEndsAt: BigInt(stored.cooldownEndsAt ?? 0),
      sequence: BigInt(envelope.roomSeq),
      occurredAt: BigInt(Date.parse(envelope.occurredAt)),
    });
  };

  return defineResource<"roomMemberEvents">({
    kind: "durable",
    resource: "roomMemberEvents",
    scope: "room",
    authorize(viewer) {
      requirePermission(viewer, "view_members");
    },
    afterSequence: (params) => Number(params.afterEventSequence),
    matches: (envelope) => envelope.resourceType === MEMBER_RESOURCE,
    replay: (roomId, after, limit) => roomLogReplay(deps.database.db, [MEMBER_RESOURCE], roomId, after, limit),
    // The payload depends on the viewer only through whether the override masks show, and on the
    // room settings the viewer was loaded with (effective permissions).
    shareKey(envelope, viewer) {
      const v = viewerOf(viewer);
      const masks = v.canManagePermissions || (envelope.userId !== null && v.userId === envelope.userId);
      return `${masks ? "masks" : "plain"}@${viewer.state.settingsVersion}`;
    },
    async toPayload(envelope, viewer) {
      return { case: "roomMemberEvent", value: await toMessage(envelope, viewer) };
    },
  });
}

/** A small insertion-ordered memo: the oldest entry goes when it is full. */
class BoundedMemo<T> {
  readonly #entries = new Map<string, T>();
  constructor(private readonly capacity: number) {}

  get(key: string, compute: () => T): T {
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit;
    const value = compute();
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return value;
  }
}
