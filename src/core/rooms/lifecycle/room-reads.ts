// GetRoom (spec 02 §3.3, access `room`): the room as an admitted actor sees it, with the caller's own
// membership and effective permissions. Members keep this read in banned or closed rooms (04 §2.3).
import type { Actor } from "../../actor.js";
import type { RoomRole } from "../../permissions/index.js";
import type { MemberRecord } from "../member-record.js";
import type { RoomLifecycleDeps } from "./lifecycle-deps.js";
import { type RoomView, usernamesOf } from "./room-views.js";

export interface RoomForActor {
  view: RoomView;
  role: RoomRole;
  /** Null for guests. */
  member: MemberRecord | null;
  memberUsername: string;
  /** Admin bitspace. */
  effective: bigint;
}

export class RoomReads {
  constructor(private readonly deps: Pick<RoomLifecycleDeps, "database" | "access" | "presence">) {}

  async getRoom(actor: Actor, roomId: number): Promise<RoomForActor> {
    const ctx = await this.deps.access.enter(actor, roomId, { exception: "member-read" });
    const ids = [ctx.state.createdBy, ...(ctx.member ? [ctx.member.userId] : [])];
    const [names, presence] = await Promise.all([
      usernamesOf(this.deps.database.db, ids),
      this.deps.presence?.countsOf([roomId]),
    ]);
    return {
      view: {
        state: ctx.state,
        creatorUsername: names.get(ctx.state.createdBy) ?? "",
        ...(presence?.has(roomId) ? { presence: presence.get(roomId) } : {}),
      },
      role: ctx.role,
      member: ctx.member,
      memberUsername: ctx.member ? (names.get(ctx.member.userId) ?? "") : "",
      effective: ctx.effective,
    };
  }
}
