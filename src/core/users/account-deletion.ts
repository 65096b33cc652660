// Account deletion and restore (spec 06 §4.8, 08 §4.2): one transaction soft-deletes the account, its
// owned rooms (source account + deleted_owner_id, so they return with it), its content and memberships
// elsewhere and its email identity; its tokens then fail the status check (05 §4.2). Restore is in
// account-deletion-restore.ts.
import { and, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Clock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database.js";
import type { DbTransaction } from "../../infra/db/database-port.js";
import type { ObservableWriter, RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import { authEmailIdentities, DeletionSource, rooms, UserRole, users } from "../../infra/db/schema/index.js";
import type { Actor } from "../actor.js";
import { failedPrecondition, invalidArgument, notFound, permissionDenied } from "../errors.js";
import { softDeleteRoom } from "../rooms/lifecycle/room-deletion.js";
import { lockOwnerScope } from "../rooms/lifecycle/room-writes.js";
import { type ContentRemovalCounts, removeContentElsewhere } from "./account-deletion-content.js";
import { type RestoreOutcome, restoreAccount } from "./account-deletion-restore.js";
import type { UserReference } from "./user-administration.js";
import { countLiveAdmins, findUserById, type UserAccount } from "./user-repository.js";
import { canonicalUsername } from "./username-rules.js";

export type { ReleasedIdentity, RestoreOutcome } from "./account-deletion-restore.js";

/** BatchDeleteUsers takes 1–100 users (08 §4.2). */
export const BATCH_MAX_USER_DELETIONS = 100;
/** A deleted account can be restored until it is due for purge (06 §7: 90 days after deleted_at). */
export const ACCOUNT_RESTORE_WINDOW_MS = 90 * 24 * 60 * 60 * 1000;
export const DELETION_REASON_MAX_CHARS = 500;

export interface AccountDeletionDeps {
  database: Database;
  /** The node's ObservableWriter: room, member, library and chat events commit with the deletion. */
  writer: ObservableWriter;
  clock: Clock;
}

export interface DeletionOutcome extends ContentRemovalCounts {
  user: UserAccount;
  deletedRooms: number;
  emailReleased: boolean;
}

export class AccountDeletion {
  constructor(private readonly deps: AccountDeletionDeps) {}

  /** Deletes one account; see deleteUsers for the rules. */
  async deleteUser(actor: Actor, userId: number, reason = ""): Promise<DeletionOutcome> {
    const [outcome] = await this.deleteUsers(actor, [userId], reason);
    if (outcome === undefined) throw notFound("User not found");
    return outcome;
  }

  /**
   * Deletes 1–100 accounts in one transaction, all or nothing. Refused: an unknown account (NOT_FOUND),
   * an already deleted one, a ROOT account, or the last live administrator (FAILED_PRECONDITION).
   * The management plane and platform admins delete with source admin; a user deleting itself, with
   * source account.
   */
  async deleteUsers(actor: Actor, userIds: readonly number[], reason = ""): Promise<DeletionOutcome[]> {
    if (userIds.length < 1 || userIds.length > BATCH_MAX_USER_DELETIONS) {
      throw invalidArgument(`Delete 1–${BATCH_MAX_USER_DELETIONS} users at a time`);
    }
    const text = reason.trim();
    if (text.length > DELETION_REASON_MAX_CHARS) {
      throw invalidArgument(`The reason is longer than ${DELETION_REASON_MAX_CHARS} characters`, {
        fieldViolations: [{ field: "reason", rule: "max_len", description: `at most ${DELETION_REASON_MAX_CHARS}` }],
      });
    }
    const unique = [...new Set(userIds)];
    return this.deps.writer.run(async (tx, events) => {
      // Serialises with role changes, so "another administrator remains" is decided once.
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('user-roles', 0))`);
      const outcomes: DeletionOutcome[] = [];
      for (const userId of unique) {
        const [row] = await tx
          .select({ role: users.role, deletedAt: users.deletedAt })
          .from(users)
          .where(eq(users.id, userId))
          .for("update");
        if (row === undefined) throw notFound("User not found");
        const target = await findUserById(tx, userId);
        if (target === null) throw notFound("User not found");
        const source = authorize(actor, target);
        if (row.deletedAt !== null) throw failedPrecondition(`${target.username} is already deleted`);
        if (row.role === UserRole.root) {
          throw failedPrecondition("A root account cannot be deleted; change its role first");
        }
        if (row.role === UserRole.admin && (await countLiveAdmins(tx)) <= 1) {
          throw failedPrecondition("The last administrator cannot be deleted");
        }
        outcomes.push(await this.#delete(tx, events, actor, target, source, text));
      }
      return outcomes;
    });
  }

  /**
   * Restores a deleted account within the retention window. Its username and email must still be free
   * unless `ignoreIdentityConflicts` (then the username becomes `restored_<id>`, a taken email stays
   * released, and both are reported). Owned rooms deleted with the account return, with their owner's
   * creator membership; other memberships and content deleted elsewhere stay gone.
   */
  async restoreUser(actor: Actor, userId: number, ignoreIdentityConflicts: boolean): Promise<RestoreOutcome> {
    if (actor.kind !== "management" && !(actor.kind === "user" && actor.role !== "USER")) {
      throw permissionDenied("Only platform administrators restore accounts");
    }
    const actorUserId = actor.kind === "user" ? actor.userId : null;
    return this.deps.writer.run((tx) =>
      restoreAccount(tx, {
        userId,
        actorUserId,
        ignoreIdentityConflicts,
        now: this.deps.clock.now(),
        windowMs: ACCOUNT_RESTORE_WINDOW_MS,
      }),
    );
  }

  /**
   * The deleted account a reference names, for restore: an id names any account; a username or email
   * names the deleted account that held it (NOT_FOUND when none, FAILED_PRECONDITION when several).
   */
  async resolveDeleted(ref: UserReference): Promise<UserAccount> {
    const db = this.deps.database.db;
    if (ref.kind === "id") {
      const found = await findUserById(db, ref.id);
      if (found === null) throw notFound("User not found");
      return found;
    }
    const candidates =
      ref.kind === "username"
        ? await db
            .select({ id: users.id })
            .from(users)
            .where(
              and(
                sql`lower(${users.username}) = ${canonicalUsername(ref.username.trim())}`,
                isNotNull(users.deletedAt),
              ),
            )
            .orderBy(desc(users.deletedAt))
        : await db
            .select({ id: authEmailIdentities.userId })
            .from(authEmailIdentities)
            .innerJoin(users, eq(users.id, authEmailIdentities.userId))
            .where(
              and(
                sql`lower(${authEmailIdentities.email}) = ${ref.email.trim().toLowerCase()}`,
                isNotNull(users.deletedAt),
                eq(authEmailIdentities.deletedOwnerId, users.id),
              ),
            );
    if (candidates.length === 0) throw notFound("No deleted user by that name");
    if (candidates.length > 1) {
      throw failedPrecondition("Several deleted users match; name one by id");
    }
    const found = await findUserById(db, candidates[0]?.id ?? 0);
    if (found === null) throw notFound("User not found");
    return found;
  }

  async #delete(
    tx: DbTransaction,
    events: RoomEventRecorder,
    actor: Actor,
    target: UserAccount,
    source: DeletionSource,
    reason: string,
  ): Promise<DeletionOutcome> {
    const now = this.deps.clock.now();
    const at = new Date(now);
    const actorUserId = actor.kind === "user" ? actor.userId : null;
    const userId = target.id;
    // No room creation or transfer to this account while its rooms are collected.
    await lockOwnerScope(tx, userId);
    const owned = await tx
      .select({ id: rooms.id })
      .from(rooms)
      .where(and(eq(rooms.createdBy, userId), isNull(rooms.deletedAt)))
      .orderBy(rooms.id);
    for (const { id } of owned) {
      await softDeleteRoom(tx, events, {
        roomId: id,
        source: DeletionSource.account,
        actorUserId,
        deletedOwnerId: userId,
        now,
      });
    }
    const counts = await removeContentElsewhere(tx, events, {
      userId,
      username: target.username,
      actorUserId,
      ownedRoomIds: owned.map((r) => r.id),
      now,
    });
    const email = await tx
      .update(authEmailIdentities)
      .set({ deletedAt: at, deletionSource: DeletionSource.account, deletedBy: actorUserId, deletedOwnerId: userId })
      .where(and(eq(authEmailIdentities.userId, userId), isNull(authEmailIdentities.deletedAt)))
      .returning({ id: authEmailIdentities.id });
    // Email tokens, bind requests, provider credentials and notifications arrive with their P2 tables;
    // their deletion belongs here then.
    await tx
      .update(users)
      .set({
        deletedAt: at,
        deletionSource: source,
        deletedBy: actorUserId,
        deletionReason: reason === "" ? null : reason,
        version: sql`${users.version} + 1`,
      })
      .where(eq(users.id, userId));
    const user = await findUserById(tx, userId);
    if (user === null) throw notFound("User not found");
    return { user, deletedRooms: owned.length, emailReleased: email.length > 0, ...counts };
  }
}

/**
 * Who may delete whom (05 §1): the management plane and root anyone; a non-root admin only plain
 * users; a user only itself (source account). Returns the deletion source.
 */
function authorize(actor: Actor, target: UserAccount): DeletionSource {
  if (actor.kind === "management") return DeletionSource.admin;
  if (actor.kind !== "user") throw permissionDenied("Only platform administrators delete accounts");
  if (actor.userId === target.id) return DeletionSource.account;
  if (actor.role === "ROOT") return DeletionSource.admin;
  if (actor.role === "ADMIN" && target.role === "USER") return DeletionSource.admin;
  throw permissionDenied("Only platform administrators delete accounts");
}
