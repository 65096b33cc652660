// Accounts in PostgreSQL (spec 06 §3.1): creating users with their OPAQUE record, reading them
// through user_account_profiles (so every read sees ban status), renaming, and password records.
import { and, count, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { DbExecutor, DbTransaction } from "../../infra/db/database-port.js";
import {
  authEmailIdentities,
  authPasswordCredentials,
  SignupMethod,
  UserRole,
  userPreferences,
  users,
} from "../../infra/db/schema/index.js";
import { userAccountProfiles } from "../../infra/db/views/user-account-profiles.js";
import type { GlobalRole } from "../actor.js";
import { notFound } from "../errors.js";
import { guardUniqueFields } from "./unique-field-guard.js";

export { type BanUserInput, type BanUserOutcome, banUser, unbanUser } from "./user-ban-repository.js";

export type UserStatus = "ACTIVE" | "BANNED" | "DELETED";

export interface UserAccount {
  id: number;
  username: string;
  role: GlobalRole;
  status: UserStatus;
  isBanned: boolean;
  /** The live email identity, as stored (case preserved); null when none. */
  email: string | null;
  emailVerified: boolean;
  /** Milliseconds since the epoch. */
  createdAt: number;
  version: number;
  /** The password credential's version (tokens carry it as `pv`); 0 = no password credential. */
  passwordVersion: number;
}

/** An OPAQUE registration as stored; the server never sees or keeps the password itself. */
export interface OpaqueCredentialInput {
  record: Uint8Array;
  identifier: Uint8Array;
  ciphersuite: string;
  setupVersion: number;
}

export interface StoredPasswordCredential {
  record: Uint8Array;
  identifier: Uint8Array;
  ciphersuite: string;
  setupVersion: number;
  version: number;
}

export interface CreateUserInput {
  username: string;
  email?: string | undefined;
  role: GlobalRole;
  signupMethod: "password" | "bootstrap" | "admin";
  credential: OpaqueCredentialInput;
}

const roleCode: Record<GlobalRole, UserRole> = { ROOT: UserRole.root, ADMIN: UserRole.admin, USER: UserRole.user };
const roleName: Record<number, GlobalRole> = { 1: "ROOT", 2: "ADMIN", 3: "USER" };

const p = userAccountProfiles;
const accountColumns = {
  id: p.id,
  username: p.username,
  role: p.role,
  deletedAt: p.deletedAt,
  isBanned: p.isBanned,
  createdAt: p.createdAt,
  version: p.version,
  email: authEmailIdentities.email,
  emailVerifiedAt: authEmailIdentities.verifiedAt,
  // A row whose OPAQUE group was cleared is "no credential" too.
  passwordVersion:
    sql<number>`CASE WHEN ${authPasswordCredentials.opaqueRecord} IS NULL THEN 0 ELSE ${authPasswordCredentials.version} END`.mapWith(
      Number,
    ),
};

async function selectAccount(db: DbExecutor, where: SQL | undefined): Promise<UserAccount | null> {
  const [row] = await db
    .select(accountColumns)
    .from(p)
    .leftJoin(authPasswordCredentials, eq(authPasswordCredentials.userId, p.id))
    .leftJoin(authEmailIdentities, and(eq(authEmailIdentities.userId, p.id), isNull(authEmailIdentities.deletedAt)))
    .where(where)
    .limit(1);
  if (row === undefined) return null;
  const role = roleName[row.role];
  if (role === undefined) throw new Error(`users.role ${row.role} is outside the known range`);
  return {
    id: row.id,
    username: row.username,
    role,
    status: row.deletedAt !== null ? "DELETED" : row.isBanned ? "BANNED" : "ACTIVE",
    isBanned: row.isBanned,
    email: row.email,
    emailVerified: row.emailVerifiedAt !== null,
    createdAt: row.createdAt.getTime(),
    version: row.version,
    passwordVersion: row.passwordVersion,
  };
}

/** Any account, deleted ones included (status DELETED), or null. */
export function findUserById(db: DbExecutor, id: number): Promise<UserAccount | null> {
  return selectAccount(db, eq(p.id, id));
}

/** The live account whose lower-cased username equals `canonical` (see `canonicalUsername`). */
export function findLiveUserByCanonicalUsername(db: DbExecutor, canonical: string): Promise<UserAccount | null> {
  return selectAccount(db, and(sql`lower(${p.username}) = ${canonical}`, isNull(p.deletedAt)));
}

/** The live account holding the live email identity `lowerEmail` (already lower-cased). */
export function findLiveUserByEmail(db: DbExecutor, lowerEmail: string): Promise<UserAccount | null> {
  return selectAccount(db, and(sql`lower(${authEmailIdentities.email}) = ${lowerEmail}`, isNull(p.deletedAt)));
}

/**
 * Creates the account, its preferences, its OPAQUE record and, with an email, its unverified email
 * identity, all in `tx`. A username or email already used by a live account → ALREADY_EXISTS (2001);
 * the unique indexes decide, so two concurrent signups cannot both win.
 */
export async function createUserWithPassword(tx: DbTransaction, input: CreateUserInput): Promise<UserAccount> {
  const id = await guardUniqueFields(tx, async (sp) => {
    const [created] = await sp
      .insert(users)
      .values({ username: input.username, role: roleCode[input.role], signupMethod: SignupMethod[input.signupMethod] })
      .returning({ id: users.id });
    if (created === undefined) throw new Error("INSERT … RETURNING gave no row");
    await sp.insert(userPreferences).values({ userId: created.id });
    await sp.insert(authPasswordCredentials).values({ userId: created.id, ...opaqueValues(input.credential) });
    if (input.email !== undefined) {
      await sp.insert(authEmailIdentities).values({ userId: created.id, email: input.email });
    }
    return created.id;
  });
  const account = await findUserById(tx, id);
  if (account === null) throw new Error(`user ${id} vanished inside its own transaction`);
  return account;
}

/** The account's OPAQUE record, or null when it has none (no row, or the group is cleared). */
export async function getPasswordCredential(db: DbExecutor, userId: number): Promise<StoredPasswordCredential | null> {
  const [row] = await db.select().from(authPasswordCredentials).where(eq(authPasswordCredentials.userId, userId));
  if (
    row?.opaqueRecord == null ||
    row.opaqueCredentialIdentifier == null ||
    row.opaqueCiphersuite == null ||
    row.opaqueServerSetupVersion == null
  ) {
    return null;
  }
  return {
    record: row.opaqueRecord,
    identifier: row.opaqueCredentialIdentifier,
    ciphersuite: row.opaqueCiphersuite,
    setupVersion: row.opaqueServerSetupVersion,
    version: row.version,
  };
}

/**
 * Stores a new OPAQUE record for the user and bumps the credential version, which invalidates every
 * token carrying the old `pv`. Returns the new version.
 */
export async function replacePasswordCredential(
  tx: DbTransaction,
  userId: number,
  credential: OpaqueCredentialInput,
): Promise<number> {
  const values = opaqueValues(credential);
  const [row] = await tx
    .insert(authPasswordCredentials)
    .values({ userId, ...values })
    .onConflictDoUpdate({
      target: authPasswordCredentials.userId,
      set: { ...values, changedAt: sql`now()`, version: sql`${authPasswordCredentials.version} + 1` },
    })
    .returning({ version: authPasswordCredentials.version });
  if (row === undefined) throw new Error("upsert … RETURNING gave no row");
  return row.version;
}

/** Renames a live account (version bump). Taken by another live account → 2001; missing → NOT_FOUND. */
export async function setUsername(db: DbExecutor, userId: number, username: string): Promise<UserAccount> {
  const updated = await guardUniqueFields(db, async (sp) => {
    const rows = await sp
      .update(users)
      .set({ username, version: sql`${users.version} + 1` })
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .returning({ id: users.id });
    return rows.length > 0;
  });
  if (!updated) throw notFound("User not found");
  const account = await findUserById(db, userId);
  if (account === null) throw notFound("User not found");
  return account;
}

/** Live accounts with role ROOT or ADMIN; 0 means the server runs without an administrator (05 §12). */
export async function countLiveAdmins(db: DbExecutor): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(isNull(users.deletedAt), inArray(users.role, [UserRole.root, UserRole.admin])));
  return row?.n ?? 0;
}

/** Whether a live root exists; the bootstrap runs only when none does (05 §12). */
export async function liveRootExists(db: DbExecutor): Promise<boolean> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(isNull(users.deletedAt), eq(users.role, UserRole.root)))
    .limit(1);
  return rows.length > 0;
}

/**
 * Whether a live account already uses the canonical username or (when given) the lower-cased email.
 * A fast pre-check only: `createUserWithPassword` still enforces uniqueness through the indexes.
 */
export async function usernameOrEmailTaken(db: DbExecutor, canonical: string, lowerEmail?: string): Promise<boolean> {
  const byName = await db
    .select({ id: users.id })
    .from(users)
    .where(and(sql`lower(${users.username}) = ${canonical}`, isNull(users.deletedAt)))
    .limit(1);
  if (byName.length > 0) return true;
  if (lowerEmail === undefined) return false;
  const byEmail = await db
    .select({ id: authEmailIdentities.id })
    .from(authEmailIdentities)
    .where(and(sql`lower(${authEmailIdentities.email}) = ${lowerEmail}`, isNull(authEmailIdentities.deletedAt)))
    .limit(1);
  return byEmail.length > 0;
}

function opaqueValues(credential: OpaqueCredentialInput) {
  return {
    opaqueRecord: credential.record,
    opaqueCredentialIdentifier: credential.identifier,
    opaqueCiphersuite: credential.ciphersuite,
    opaqueServerSetupVersion: credential.setupVersion,
  };
}
