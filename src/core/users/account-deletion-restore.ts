// Restoring a deleted account (spec 06 §4.8), in the caller's transaction: re-check the username and
// email against live rows, give them back (or, when told to ignore conflicts, rename the account
// `restored_<id>` and leave a taken email released), then bring back the owned rooms its deletion hid.
import { and, eq, isNotNull, isNull, ne, sql } from "drizzle-orm";
import type { DbTransaction } from "../../infra/db/database-port.js";
import {
  authEmailIdentities,
  DeletionSource,
  RoomMemberRole,
  roomMembers,
  rooms,
  users,
} from "../../infra/db/schema/index.js";
import { alreadyExists, type FieldViolation, failedPrecondition, notFound } from "../errors.js";
import { bumpMembershipVersion } from "../members/membership-rows.js";
import { guardUniqueFields } from "./unique-field-guard.js";
import { findUserById, type UserAccount } from "./user-repository.js";

export interface ReleasedIdentity {
  kind: "USERNAME" | "EMAIL";
  /** The value the account held before; another live account holds it now. */
  value: string;
}

export interface RestoreOutcome {
  user: UserAccount;
  restoredRooms: number;
  /** Identities given up because another live account holds them (only with ignoreIdentityConflicts). */
  released: ReleasedIdentity[];
}

export interface RestoreInput {
  userId: number;
  actorUserId: number | null;
  ignoreIdentityConflicts: boolean;
  now: number;
  windowMs: number;
}

/** The username given to a restored account whose name another live account took meanwhile. */
export const restoredUsername = (userId: number) => `restored_${userId}`;

export async function restoreAccount(tx: DbTransaction, input: RestoreInput): Promise<RestoreOutcome> {
  const { userId } = input;
  const [row] = await tx
    .select({ username: users.username, deletedAt: users.deletedAt })
    .from(users)
    .where(eq(users.id, userId))
    .for("update");
  if (row === undefined) throw notFound("User not found");
  if (row.deletedAt === null) throw failedPrecondition(`${row.username} is not deleted`);
  if (input.now - row.deletedAt.getTime() > input.windowMs) {
    throw failedPrecondition("The account was deleted too long ago to be restored");
  }

  const [email] = await tx
    .select({ id: authEmailIdentities.id, email: authEmailIdentities.email })
    .from(authEmailIdentities)
    .where(and(eq(authEmailIdentities.userId, userId), eq(authEmailIdentities.deletedOwnerId, userId)));
  const nameTaken = await liveUsernameTaken(tx, row.username, userId);
  const emailTaken = email !== undefined && (await liveEmailTaken(tx, email.email));
  const conflicts: FieldViolation[] = [];
  if (nameTaken) conflicts.push(taken("username", row.username));
  if (emailTaken) conflicts.push(taken("email", email.email));
  if (conflicts.length > 0 && !input.ignoreIdentityConflicts) {
    throw alreadyExists("Another account holds this account's identities now", { fieldViolations: conflicts });
  }

  const released: ReleasedIdentity[] = [];
  const username = nameTaken ? restoredUsername(userId) : row.username;
  if (nameTaken) released.push({ kind: "USERNAME", value: row.username });
  await guardUniqueFields(tx, async (sp) => {
    await sp
      .update(users)
      .set({
        username,
        deletedAt: null,
        deletionSource: null,
        deletedBy: null,
        deletionReason: null,
        restoredAt: new Date(input.now),
        restoredBy: input.actorUserId,
        version: sql`${users.version} + 1`,
      })
      .where(eq(users.id, userId));
    if (email === undefined) return;
    if (emailTaken) {
      // Released: it stays deleted and is no longer tied to the account's deletion.
      released.push({ kind: "EMAIL", value: email.email });
      await sp.update(authEmailIdentities).set({ deletedOwnerId: null }).where(eq(authEmailIdentities.id, email.id));
      return;
    }
    await sp
      .update(authEmailIdentities)
      .set({ deletedAt: null, deletionSource: null, deletedBy: null, deletedOwnerId: null })
      .where(eq(authEmailIdentities.id, email.id));
  });

  // Only rooms this deletion hid: independently deleted ones have no deleted_owner_id.
  const back = await tx
    .update(rooms)
    .set({
      deletedAt: null,
      deletionSource: null,
      deletedBy: null,
      deletedOwnerId: null,
      version: sql`${rooms.version} + 1`,
    })
    .where(
      and(
        eq(rooms.createdBy, userId),
        eq(rooms.deletedOwnerId, userId),
        eq(rooms.deletionSource, DeletionSource.account),
        isNotNull(rooms.deletedAt),
      ),
    )
    .returning({ id: rooms.id });
  // A room is never without its creator member (04 §8); every other membership stays ended.
  for (const { id } of back) {
    await tx
      .insert(roomMembers)
      .values({ roomId: id, userId, role: RoomMemberRole.creator, joinedAt: new Date(input.now) })
      .onConflictDoNothing();
    await bumpMembershipVersion(tx, id, userId, true, input.now);
  }

  const user = await findUserById(tx, userId);
  if (user === null) throw notFound("User not found");
  return { user, restoredRooms: back.length, released };
}

async function liveUsernameTaken(tx: DbTransaction, username: string, userId: number): Promise<boolean> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(sql`lower(${users.username}) = lower(${username})`, isNull(users.deletedAt), ne(users.id, userId)))
    .limit(1);
  return rows.length > 0;
}

async function liveEmailTaken(tx: DbTransaction, email: string): Promise<boolean> {
  const rows = await tx
    .select({ id: authEmailIdentities.id })
    .from(authEmailIdentities)
    .where(and(sql`lower(${authEmailIdentities.email}) = lower(${email})`, isNull(authEmailIdentities.deletedAt)))
    .limit(1);
  return rows.length > 0;
}

const taken = (field: "username" | "email", value: string): FieldViolation => ({
  field,
  rule: "unique",
  description: `${value} is held by another live account`,
});
