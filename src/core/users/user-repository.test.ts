import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, describeOnPostgres, type TestDatabase } from "../../../test/support/database.js";
import { insertUser, uniqueUsername } from "../../../test/support/fixtures/index.js";
import { authEmailIdentities, userPreferences, users } from "../../infra/db/schema/index.js";
import { DomainError } from "../errors.js";
import {
  banUser,
  type CreateUserInput,
  countLiveAdmins,
  createUserWithPassword,
  findLiveUserByCanonicalUsername,
  findLiveUserByEmail,
  findUserById,
  getPasswordCredential,
  liveRootExists,
  type OpaqueCredentialInput,
  replacePasswordCredential,
  setUsername,
  unbanUser,
  usernameOrEmailTaken,
} from "./user-repository.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

function credential(): OpaqueCredentialInput {
  return {
    record: new Uint8Array(randomBytes(96)),
    identifier: new Uint8Array(Buffer.from(`user:${randomBytes(4).toString("hex")}`)),
    ciphersuite: "ristretto255-sha512",
    setupVersion: 1,
  };
}

function signup(overrides: Partial<CreateUserInput> = {}): CreateUserInput {
  return { username: uniqueUsername(), role: "USER", signupMethod: "password", credential: credential(), ...overrides };
}

const create = (input: CreateUserInput) => t.database.tx((tx) => createUserWithPassword(tx, input));

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe("createUserWithPassword", () => {
  it("creates an active account with its OPAQUE record, preferences and unverified email", async () => {
    const before = Date.now();
    const input = signup({ email: "Erin@Example.com" });
    const account = await create(input);
    expect(account).toMatchObject({
      username: input.username,
      role: "USER",
      status: "ACTIVE",
      isBanned: false,
      email: "Erin@Example.com",
      emailVerified: false,
      version: 1,
      passwordVersion: 1,
    });
    expect(account.createdAt).toBeGreaterThanOrEqual(before - 1000);
    expect(
      await t.database.db.select().from(userPreferences).where(eq(userPreferences.userId, account.id)),
    ).toHaveLength(1);
    const stored = await getPasswordCredential(t.database.db, account.id);
    expect(stored).toEqual({ ...input.credential, version: 1 });
  });

  it("creates no email identity when no email is given", async () => {
    const account = await create(signup({ role: "ADMIN", signupMethod: "admin" }));
    expect(account).toMatchObject({ role: "ADMIN", email: null });
    const identities = await t.database.db
      .select()
      .from(authEmailIdentities)
      .where(eq(authEmailIdentities.userId, account.id));
    expect(identities).toEqual([]);
  });

  it("refuses a username a live account holds in another case with ALREADY_EXISTS 2001", async () => {
    const taken = uniqueUsername("Frank");
    await create(signup({ username: taken }));
    const error = await rejection(create(signup({ username: taken.toLowerCase() })));
    expect(error).toMatchObject({ kind: "ALREADY_EXISTS", code: 2001 });
    expect(error.fieldViolations.map((v) => v.field)).toEqual(["username"]);
  });

  it("refuses an email a live account holds, and leaves no half-created account behind", async () => {
    await create(signup({ email: "grace@example.com" }));
    const input = signup({ email: "GRACE@example.com" });
    const error = await rejection(create(input));
    expect(error).toMatchObject({ code: 2001 });
    expect(error.fieldViolations.map((v) => v.field)).toEqual(["email"]);
    expect(await findLiveUserByCanonicalUsername(t.database.db, input.username.toLowerCase())).toBeNull();
  });

  it("leaves the caller's transaction usable after a clash", async () => {
    const taken = uniqueUsername();
    await create(signup({ username: taken }));
    const other = await t.database.tx(async (tx) => {
      await createUserWithPassword(tx, signup({ username: taken })).catch(() => undefined);
      return createUserWithPassword(tx, signup());
    });
    expect(await findUserById(t.database.db, other.id)).not.toBeNull();
  });

  it("reuses the name and email of a soft-deleted account", async () => {
    const first = await create(signup({ username: "Heidi", email: "heidi@example.com" }));
    await t.database.db.update(users).set({ deletedAt: new Date(), deletionSource: 1 }).where(eq(users.id, first.id));
    await t.database.db
      .update(authEmailIdentities)
      .set({ deletedAt: new Date(), deletionSource: 1 })
      .where(eq(authEmailIdentities.userId, first.id));
    const second = await create(signup({ username: "heidi", email: "Heidi@example.com" }));
    expect(second.id).not.toBe(first.id);
  });
});

describe("finding accounts", () => {
  it("finds a live account by canonical username and by lower-cased email", async () => {
    const account = await create(signup({ username: "IvanTheGreat", email: "Ivan@Example.org" }));
    expect((await findLiveUserByCanonicalUsername(t.database.db, "ivanthegreat"))?.id).toBe(account.id);
    expect((await findLiveUserByEmail(t.database.db, "ivan@example.org"))?.id).toBe(account.id);
    expect(await findLiveUserByCanonicalUsername(t.database.db, "nobody_here")).toBeNull();
    expect(await findLiveUserByEmail(t.database.db, "nobody@example.org")).toBeNull();
  });

  it("returns a deleted account by id as DELETED, but never through the live lookups", async () => {
    const { id, username } = await insertUser(t.database.db, { deleted: true, email: "judy@example.com" });
    expect((await findUserById(t.database.db, id))?.status).toBe("DELETED");
    expect(await findLiveUserByCanonicalUsername(t.database.db, username.toLowerCase())).toBeNull();
    expect(await findLiveUserByEmail(t.database.db, "judy@example.com")).toBeNull();
    expect(await findUserById(t.database.db, 987_654_321)).toBeNull();
  });

  it("reports passwordVersion 0 and no credential for an account without a password", async () => {
    const { id } = await insertUser(t.database.db, { withCredential: false });
    expect((await findUserById(t.database.db, id))?.passwordVersion).toBe(0);
    expect(await getPasswordCredential(t.database.db, id)).toBeNull();
  });
});

describe("replacePasswordCredential", () => {
  it("stores the new record and bumps the version that tokens carry as pv", async () => {
    const account = await create(signup());
    const next = credential();
    const version = await t.database.tx((tx) => replacePasswordCredential(tx, account.id, next));
    expect(version).toBe(2);
    expect(await getPasswordCredential(t.database.db, account.id)).toEqual({ ...next, version: 2 });
    expect((await findUserById(t.database.db, account.id))?.passwordVersion).toBe(2);
  });

  it("creates the first credential of an account that had none", async () => {
    const { id } = await insertUser(t.database.db, { withCredential: false });
    expect(await t.database.tx((tx) => replacePasswordCredential(tx, id, credential()))).toBe(1);
    expect((await findUserById(t.database.db, id))?.passwordVersion).toBe(1);
  });
});

describe("setUsername", () => {
  it("renames and bumps the account version", async () => {
    const account = await create(signup());
    const renamed = await setUsername(t.database.db, account.id, "Kim_renamed");
    expect(renamed).toMatchObject({ username: "Kim_renamed", version: 2 });
  });

  it("refuses a name another live account holds (2001) and a deleted account (NOT_FOUND)", async () => {
    const a = await create(signup());
    const b = await create(signup());
    const error = await rejection(setUsername(t.database.db, b.id, a.username.toUpperCase()));
    expect(error).toMatchObject({ code: 2001 });
    const gone = await insertUser(t.database.db, { deleted: true });
    expect(await rejection(setUsername(t.database.db, gone.id, uniqueUsername()))).toMatchObject({ kind: "NOT_FOUND" });
  });
});

describe("bans", () => {
  it("turn the account BANNED through the view, and unbanning makes it ACTIVE again", async () => {
    const admin = await insertUser(t.database.db, { role: "ADMIN" });
    const { id } = await insertUser(t.database.db);
    const ban = await t.database.tx((tx) =>
      banUser(tx, { userId: id, bannedBy: admin.id, reason: "spam", endsAt: null }),
    );
    expect(ban.created).toBe(true);
    expect(await findUserById(t.database.db, id)).toMatchObject({ status: "BANNED", isBanned: true });
    expect(await t.database.tx((tx) => unbanUser(tx, id, admin.id))).toBe(true);
    expect(await findUserById(t.database.db, id)).toMatchObject({ status: "ACTIVE", isBanned: false });
    expect(await t.database.tx((tx) => unbanUser(tx, id, admin.id))).toBe(false);
  });

  it("keep at most one active ban: banning a banned user returns the existing ban", async () => {
    const { id } = await insertUser(t.database.db);
    const input = { userId: id, bannedBy: null, reason: "first", endsAt: Date.now() + 3_600_000 };
    const first = await t.database.tx((tx) => banUser(tx, input));
    const second = await t.database.tx((tx) => banUser(tx, { ...input, reason: "second" }));
    expect(second).toEqual({ banId: first.banId, created: false });
  });

  it("allow a new ban once the previous one was revoked", async () => {
    const { id } = await insertUser(t.database.db);
    const input = { userId: id, bannedBy: null, reason: "", endsAt: null };
    const first = await t.database.tx((tx) => banUser(tx, input));
    await t.database.tx((tx) => unbanUser(tx, id, null));
    const second = await t.database.tx((tx) => banUser(tx, input));
    expect(second.created).toBe(true);
    expect(second.banId).not.toBe(first.banId);
  });
});

describe("usernameOrEmailTaken", () => {
  it("sees live usernames and emails case-insensitively, not deleted ones", async () => {
    const { username } = await insertUser(t.database.db, { email: "Liam@Example.com" });
    const deleted = await insertUser(t.database.db, { deleted: true, email: "gone@example.com" });
    const db = t.database.db;
    expect(await usernameOrEmailTaken(db, username.toLowerCase())).toBe(true);
    expect(await usernameOrEmailTaken(db, "free_name_1", "liam@example.com")).toBe(true);
    expect(await usernameOrEmailTaken(db, "free_name_1", "free@example.com")).toBe(false);
    expect(await usernameOrEmailTaken(db, "free_name_1")).toBe(false);
    expect(await usernameOrEmailTaken(db, deleted.username.toLowerCase(), "gone@example.com")).toBe(false);
  });
});

describe("administrator census", () => {
  let fresh: TestDatabase;
  beforeAll(async () => {
    fresh = await createTestDatabase();
  });
  afterAll(async () => {
    await fresh.drop();
  });

  it("counts live roots and admins and knows whether a live root exists", async () => {
    const db = fresh.database.db;
    expect(await countLiveAdmins(db)).toBe(0);
    expect(await liveRootExists(db)).toBe(false);
    await insertUser(db, { role: "USER" });
    await insertUser(db, { role: "ADMIN" });
    await insertUser(db, { role: "ROOT", deleted: true });
    expect(await countLiveAdmins(db)).toBe(1);
    expect(await liveRootExists(db)).toBe(false);
    await insertUser(db, { role: "ROOT" });
    expect(await countLiveAdmins(db)).toBe(2);
    expect(await liveRootExists(db)).toBe(true);
  });
});

describeOnPostgres("accounts under concurrency", () => {
  it("two concurrent signups for one name in different case: exactly one wins, the other gets 2001", async () => {
    const name = uniqueUsername("Race");
    const results = await Promise.allSettled([
      create(signup({ username: name })),
      create(signup({ username: name.toLowerCase() })),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(failure?.reason).toMatchObject({ code: 2001 });
  });

  it("two concurrent bans of one user create exactly one active ban", async () => {
    const { id } = await insertUser(t.database.db);
    const input = { userId: id, bannedBy: null, reason: "", endsAt: null };
    const outcomes = await Promise.all([
      t.database.tx((tx) => banUser(tx, input)),
      t.database.tx((tx) => banUser(tx, input)),
    ]);
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(outcomes[0]?.banId).toBe(outcomes[1]?.banId);
  });
});
