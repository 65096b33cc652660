// JoinRoom (spec 04 §7.1): the decision order, first failing step wins. Steps 1–7 run once cheaply
// outside any transaction (the password's key stretching must not hold a connection), then step 8
// takes the per-(room, user) lock and repeats them inside the transaction that admits the user.
import type { DbExecutor } from "../../infra/db/database-port.js";
import type { Actor } from "../actor.js";
import { requireUser, type UserActor } from "../auth/access.js";
import type { RequestOrigin } from "../auth/auth-deps.js";
import { AppCode, permissionDenied } from "../errors.js";
import { loadMember, type MemberRecord } from "../rooms/member-record.js";
import type { RoomState } from "../rooms/room-state.js";
import { findOrCreatePendingReview, type JoinReviewRecord } from "./join-review-repository.js";
import { assertNoCooldown } from "./kick-cooldowns.js";
import { admitMember } from "./member-admission.js";
import { type MemberView, memberView, selfViewer, usernameOf } from "./member-views.js";
import type { MembershipDeps } from "./membership-deps.js";
import { lockMemberSlot, recordVisit } from "./membership-rows.js";
import { assertProofCurrent, RoomPasswordProver } from "./room-password-proof.js";

export interface JoinRoomInput {
  roomId: number;
  password?: string | undefined;
  remarkName: string;
  displayTag: string;
}

export type JoinOutcome =
  | { kind: "member"; state: RoomState; self: MemberView }
  | { kind: "review"; state: RoomState; review: JoinReviewRecord };

const selfJoinDisabled = () => permissionDenied("This room is invitation only", { code: AppCode.SELF_JOIN_DISABLED });

export class JoinRoom {
  readonly #passwords: RoomPasswordProver;

  constructor(private readonly deps: MembershipDeps) {
    this.#passwords = new RoomPasswordProver(deps.opaque, deps.bruteForce);
  }

  async join(actor: Actor, input: JoinRoomInput, origin: RequestOrigin): Promise<JoinOutcome> {
    // Signed-in users only: a guest token → 4008 (banned or deleted users never get this far).
    const user = requireUser(actor);
    const { access, database, clock } = this.deps;
    const { roomId } = input;

    // 1–4: room gates.
    const state = await access.roomGates(user, roomId);
    // 5: already a member → idempotent success.
    const existing = await loadMember(database.db, roomId, user.userId);
    if (existing) return this.#revisit(database.db, user, state, existing);
    // 6: kick cooldown.
    await assertNoCooldown(database.db, roomId, user.userId, clock.now());
    // 7: password proof.
    const proof = await this.#passwords.prove(database.db, roomId, user.userId, input.password, origin);

    await this.deps.chat?.prepare(clock.now());
    // 8: serialise this (room, user) and repeat 1–7 on what the transaction sees.
    return this.deps.writer.run(async (tx, events) => {
      await lockMemberSlot(tx, roomId, user.userId);
      const current = await access.roomGates(user, roomId, { db: tx });
      const member = await loadMember(tx, roomId, user.userId);
      if (member) return this.#revisit(tx, user, current, member);
      const now = clock.now();
      await assertNoCooldown(tx, roomId, user.userId, now);
      await assertProofCurrent(tx, roomId, proof);

      // 9: invitation only.
      if (!current.settings.allowAutoJoin) throw selfJoinDisabled();
      // 10: approval → the one pending review of this (room, user).
      if (current.settings.requireApproval) {
        return {
          kind: "review",
          state: current,
          review: await findOrCreatePendingReview(tx, roomId, user.userId, now),
        };
      }
      // 11–12: capacity, member row, membership version, JOINED event.
      const admitted = await admitMember(tx, events, {
        state: current,
        roomId,
        userId: user.userId,
        role: "MEMBER",
        remarkName: input.remarkName,
        displayTag: input.displayTag,
        actorUserId: user.userId,
        now,
        chat: this.deps.chat,
      });
      const username = await usernameOf(tx, user.userId);
      return {
        kind: "member",
        state: admitted.state,
        self: memberView(access, admitted.state, admitted.member, username, selfViewer(user.userId)),
      };
    });
  }

  /** Step 5: a visit, never an event or a password prompt. */
  async #revisit(db: DbExecutor, user: UserActor, state: RoomState, member: MemberRecord): Promise<JoinOutcome> {
    const visited = (await recordVisit(db, state.id, user.userId, this.deps.clock.now())) ?? member;
    const username = await usernameOf(db, user.userId);
    return {
      kind: "member",
      state,
      self: memberView(this.deps.access, state, visited, username, selfViewer(user.userId)),
    };
  }
}
