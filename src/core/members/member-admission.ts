// The last steps every admission shares (spec 04 §7.1 steps 11–12, used by JoinRoom, AddMember and
// review approval): capacity under the room row lock, the member row, the membership version and the
// member JOINED event, all in the caller's transaction.
import type { DbTransaction } from "../../infra/db/database-port.js";
import type { RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import type { ChatSystemHooks } from "../chat/chat-system-messages.js";
import { AppCode, failedPrecondition } from "../errors.js";
import type { MemberRecord } from "../rooms/member-record.js";
import type { RoomState } from "../rooms/room-state.js";
import { appendMemberEvent } from "./member-events.js";
import { bumpMembershipVersion, insertMemberRow, lockRoomAndCountMembers, type NewMember } from "./membership-rows.js";

export interface AdmitInput extends NewMember {
  state: RoomState;
  actorUserId: number | null;
  /** The chat system-message hook (the caller ran `prepare` before its transaction). */
  chat?: ChatSystemHooks | undefined;
}

export interface Admitted {
  member: MemberRecord;
  /** The room state with the new member counted. */
  state: RoomState;
}

export const roomFull = () => failedPrecondition("The room is full", { code: AppCode.ROOM_FULL });

/** The caller holds the (room, user) slot lock and has checked that the user is not a member. */
export async function admitMember(tx: DbTransaction, events: RoomEventRecorder, input: AdmitInput): Promise<Admitted> {
  const members = await lockRoomAndCountMembers(tx, input.roomId);
  const { maxMembers } = input.state.settings;
  // 0 = unlimited; guests are never counted (04 §3).
  if (maxMembers > 0 && members >= maxMembers) throw roomFull();

  const member = await insertMemberRow(tx, input);
  const membershipVersion = await bumpMembershipVersion(tx, input.roomId, input.userId, true, input.now);
  await appendMemberEvent(events, {
    kind: "joined",
    roomId: input.roomId,
    userId: input.userId,
    actorUserId: input.actorUserId,
    membershipVersion,
    member,
  });
  // SYSTEM_MEMBER_JOINED (04 §7.1 step 12): once per admission, i.e. when the user becomes a member; a
  // revisit or reconnect never comes through here. Leaving and joining again is a new membership.
  await input.chat?.memberJoined(tx, events, input.roomId, input.userId);
  return { member, state: { ...input.state, memberCount: members + 1 } };
}
