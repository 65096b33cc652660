// Platform administration of accounts (spec 08 §4.2 users group; AdminService reuses it in P2):
// resolving a user reference, listing, creating with a password, bans (single, batch, records), global
// roles, passwords and usernames. Actors here are platform administrators (the management plane's
// local root); the transports check that.
import { and, count, desc, eq, ilike, inArray, isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../infra/db/database.js";
import { authEmailIdentities, UserRole, users } from "../../infra/db/schema/index.js";
import { ProfileStatus, userAccountProfiles } from "../../infra/db/views/user-account-profiles.js";
import type { GlobalRole } from "../actor.js";
import { signupCredentialIdentifier } from "../auth/identifiers.js";
import { OPAQUE_CIPHERSUITE, OPAQUE_SETUP_VERSION, type OpaqueService } from "../auth/opaque/opaque-service.js";
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from "../errors.js";
import { type BanListQuery, type BanRecord, checkBanInput } from "../moderation/ban-records.js";
import { type PasswordPolicy, passwordPolicyViolations } from "./password-policy.js";
import { listUserBans } from "./user-ban-repository.js";
import {
  banUser,
  countLiveAdmins,
  createUserWithPassword,
  findLiveUserByCanonicalUsername,
  findLiveUserByEmail,
  findUserById,
  getPasswordCredential,
  replacePasswordCredential,
  setUsername,
  type UserAccount,
  type UserStatus,
  unbanUser,
  usernameOrEmailTaken,
} from "./user-repository.js";
import { canonicalUsername, usernameViolations } from "./username-rules.js";

export type UserReference =
  | { kind: "id"; id: number }
  | { kind: "username"; username: string }
  | { kind: "email"; email: string };

export interface UserListQuery {
  search: string;
  role?: GlobalRole | undefined;
  /** Undefined = live accounts (active and banned); DELETED = deleted ones only. */
  status?: UserStatus | undefined;
  offset: number;
  limit: number;
}

export interface CreateUserByAdminInput {
  username: string;
  email: string;
  role: GlobalRole;
  password: string;
}

export { BAN_REASON_MAX_CHARS } from "../moderation/ban-records.js";

/** BatchBanUsers takes 1–100 users (08 §4.2). */
export const BATCH_MAX_USERS = 100;

const roleCode: Record<GlobalRole, UserRole> = { ROOT: UserRole.root, ADMIN: UserRole.admin, USER: UserRole.user };

export class UserAdministration {
  constructor(
    private readonly deps: {
      database: Database;
      opaque: Pick<OpaqueService, "registerPassword">;
      passwordPolicy: PasswordPolicy;
      clock: { now(): number };
    },
  ) {}

  /** The account a reference names; ids may name deleted accounts, names and emails only live ones. */
  async resolve(ref: UserReference): Promise<UserAccount> {
    const db = this.deps.database.db;
    const found =
      ref.kind === "id"
        ? await findUserById(db, ref.id)
        : ref.kind === "username"
          ? await findLiveUserByCanonicalUsername(db, canonicalUsername(ref.username.trim()))
          : await findLiveUserByEmail(db, ref.email.trim().toLowerCase());
    if (found === null) throw notFound("User not found");
    return found;
  }

  async list(query: UserListQuery): Promise<{ users: UserAccount[]; total: number }> {
    const db = this.deps.database.db;
    const p = userAccountProfiles;
    const search = query.search.trim();
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const emailMatch = db
      .select({ userId: authEmailIdentities.userId })
      .from(authEmailIdentities)
      .where(and(isNull(authEmailIdentities.deletedAt), ilike(authEmailIdentities.email, pattern)));
    const statusFilter: Record<UserStatus, SQL | undefined> = {
      ACTIVE: and(isNull(p.deletedAt), eq(p.status, ProfileStatus.active)),
      BANNED: and(isNull(p.deletedAt), eq(p.status, ProfileStatus.banned)),
      DELETED: isNotNull(p.deletedAt),
    };
    const where = and(
      query.status === undefined ? isNull(p.deletedAt) : statusFilter[query.status],
      query.role === undefined ? undefined : eq(p.role, roleCode[query.role]),
      search === "" ? undefined : or(ilike(p.username, pattern), inArray(p.id, emailMatch)),
    );
    const [total] = await db.select({ n: count() }).from(p).where(where);
    const rows = await db
      .select({ id: p.id })
      .from(p)
      .where(where)
      .orderBy(desc(p.createdAt), desc(p.id))
      .limit(query.limit)
      .offset(query.offset);
    const accounts: UserAccount[] = [];
    for (const { id } of rows) {
      const account = await findUserById(db, id);
      if (account !== null) accounts.push(account);
    }
    return { users: accounts, total: total?.n ?? 0 };
  }

  /** Admin-created accounts may take reserved names; the password policy still applies (05 §1). */
  async create(input: CreateUserByAdminInput): Promise<UserAccount> {
    const { database, opaque, passwordPolicy } = this.deps;
    const violations = [
      ...usernameViolations(input.username, { selfSignup: false }),
      ...passwordPolicyViolations(input.password, passwordPolicy),
    ];
    const email = input.email.trim() === "" ? undefined : input.email.trim().toLowerCase();
    if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) {
      violations.push({ field: "email", rule: "format", description: "must be an email address" });
    }
    if (violations.length > 0) throw invalidArgument("The account is not valid", { fieldViolations: violations });
    const canonical = canonicalUsername(input.username);
    if (await usernameOrEmailTaken(database.db, canonical, email)) {
      throw alreadyExists("Username or email is already taken");
    }
    // Key stretching runs before the transaction (PGlite has one connection).
    const identifier = signupCredentialIdentifier(canonical);
    const { registrationRecord } = await opaque.registerPassword(identifier, input.password);
    return database.tx((tx) =>
      createUserWithPassword(tx, {
        username: input.username,
        email,
        role: input.role,
        signupMethod: "admin",
        credential: {
          record: registrationRecord,
          identifier: Buffer.from(identifier, "utf8"),
          ciphersuite: OPAQUE_CIPHERSUITE,
          setupVersion: OPAQUE_SETUP_VERSION,
        },
      }),
    );
  }

  /** Bans a live user; an existing active ban is kept (created = false). `endsAt` null = until revoked. */
  async ban(userId: number, reason: string, endsAt: number | null): Promise<{ user: UserAccount; created: boolean }> {
    const [outcome] = await this.banMany([userId], reason, endsAt);
    if (outcome === undefined) throw notFound("User not found");
    return outcome;
  }

  /**
   * Bans several live users in one transaction: all or nothing (one unknown or deleted user fails the
   * whole batch). Users already banned keep their ban (created = false).
   */
  async banMany(
    userIds: readonly number[],
    reason: string,
    endsAt: number | null,
  ): Promise<{ user: UserAccount; created: boolean }[]> {
    const text = checkBanInput(reason, endsAt, this.deps.clock.now());
    if (userIds.length < 1 || userIds.length > BATCH_MAX_USERS) {
      throw invalidArgument(`Ban 1–${BATCH_MAX_USERS} users at a time`);
    }
    const unique = [...new Set(userIds)];
    return this.deps.database.tx(async (tx) => {
      const outcomes: { user: UserAccount; created: boolean }[] = [];
      for (const userId of unique) {
        const target = await findUserById(tx, userId);
        if (target === null || target.status === "DELETED") throw notFound("User not found");
        const outcome = await banUser(tx, { userId, bannedBy: null, reason: text, endsAt });
        const user = await findUserById(tx, userId);
        if (user === null) throw notFound("User not found");
        outcomes.push({ user, created: outcome.created });
      }
      return outcomes;
    });
  }

  /** Ban records of one user or of everyone, newest first. */
  async listBans(query: BanListQuery): Promise<{ bans: BanRecord[]; total: number }> {
    return listUserBans(this.deps.database.db, query, this.deps.clock.now());
  }

  /**
   * Replaces the account's password (05 §3.2: admin/CLI set-password): policy-checked, registered
   * through OPAQUE under the account's existing credential identifier (a fresh one when it has no
   * password yet), then forgotten. The credential version bump ends every session carrying the old one.
   */
  async setPassword(userId: number, password: string): Promise<UserAccount> {
    const { database, opaque, passwordPolicy } = this.deps;
    const violations = passwordPolicyViolations(password, passwordPolicy);
    if (violations.length > 0) throw invalidArgument("The password is not valid", { fieldViolations: violations });
    const target = await findUserById(database.db, userId);
    if (target === null || target.status === "DELETED") throw notFound("User not found");
    const stored = await getPasswordCredential(database.db, userId);
    const identifier =
      stored === null
        ? signupCredentialIdentifier(canonicalUsername(target.username))
        : Buffer.from(stored.identifier).toString("utf8");
    // Key stretching runs before the transaction (PGlite has one connection).
    const { registrationRecord } = await opaque.registerPassword(identifier, password);
    return database.tx(async (tx) => {
      const current = await findUserById(tx, userId);
      if (current === null || current.status === "DELETED") throw notFound("User not found");
      await replacePasswordCredential(tx, userId, {
        record: registrationRecord,
        identifier: Buffer.from(identifier, "utf8"),
        ciphersuite: OPAQUE_CIPHERSUITE,
        setupVersion: OPAQUE_SETUP_VERSION,
      });
      return current;
    });
  }

  /** Renames a live account; administrators may give reserved names (05 §1), the other rules hold. */
  async setUsername(userId: number, username: string): Promise<UserAccount> {
    const violations = usernameViolations(username, { selfSignup: false });
    if (violations.length > 0) {
      throw invalidArgument("Username is not allowed", {
        fieldViolations: violations.map((v) => ({ ...v, field: "username" })),
      });
    }
    return this.deps.database.tx(async (tx) => {
      const target = await findUserById(tx, userId);
      if (target === null || target.status === "DELETED") throw notFound("User not found");
      if (target.username === username) return target;
      return setUsername(tx, userId, username);
    });
  }

  async unban(userId: number): Promise<{ user: UserAccount; revoked: boolean }> {
    return this.deps.database.tx(async (tx) => {
      const target = await findUserById(tx, userId);
      if (target === null || target.status === "DELETED") throw notFound("User not found");
      const revoked = await unbanUser(tx, userId, null);
      const user = await findUserById(tx, userId);
      if (user === null) throw notFound("User not found");
      return { user, revoked };
    });
  }

  /** Changes the global role; the last live administrator cannot be demoted to USER (05 §12). */
  async setRole(userId: number, role: GlobalRole): Promise<UserAccount> {
    return this.deps.database.tx(async (tx) => {
      // One role change at a time, so two demotions cannot both see "another admin remains".
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('user-roles', 0))`);
      const target = await findUserById(tx, userId);
      if (target === null || target.status === "DELETED") throw notFound("User not found");
      if (target.role === role) return target;
      if (role === "USER" && target.role !== "USER" && (await countLiveAdmins(tx)) <= 1) {
        throw failedPrecondition("The last administrator cannot be demoted");
      }
      await tx
        .update(users)
        .set({ role: roleCode[role], version: sql`${users.version} + 1` })
        .where(eq(users.id, userId));
      const user = await findUserById(tx, userId);
      if (user === null) throw notFound("User not found");
      return user;
    });
  }
}
