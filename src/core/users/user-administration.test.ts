// UserAdministration's operator calls (08 §4.2): set-password through OPAQUE registration, admin
// renames, all-or-nothing batch bans and ban records.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.js";
import { insertUser, uniqueUsername } from "../../../test/support/fixtures/index.js";
import { DomainError } from "../errors.js";
import type { PasswordPolicy } from "./password-policy.js";
import { UserAdministration } from "./user-administration.js";
import { findUserById, getPasswordCredential } from "./user-repository.js";

const policy: PasswordPolicy = {
  min_length: 8,
  max_length: 128,
  require_upper: false,
  require_lower: false,
  require_digit: false,
  require_special: false,
  max_repeated_chars: 0,
};

let t: TestDatabase;
let admin: UserAdministration;
const registered: { identifier: string; password: string }[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  admin = new UserAdministration({
    database: t.database,
    opaque: {
      async registerPassword(identifier, password) {
        registered.push({ identifier, password });
        return { registrationRecord: new Uint8Array(Buffer.from(`record:${password}`)) };
      },
    },
    passwordPolicy: policy,
    // Ban rows start at the database's now(); the app clock must not lag behind it.
    clock: { now: () => Date.now() },
  });
});
afterAll(async () => {
  await t.drop();
});

const kindOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "OK";
  } catch (error) {
    return error instanceof DomainError ? error.kind : String(error);
  }
};

describe("UserAdministration.setPassword", () => {
  it("registers under the account's existing identifier and bumps the credential version", async () => {
    const user = await insertUser(t.database.db);
    const before = await getPasswordCredential(t.database.db, user.id);
    await admin.setPassword(user.id, "a-long-new-password");
    const after = await getPasswordCredential(t.database.db, user.id);
    expect(registered.at(-1)).toEqual({
      identifier: Buffer.from(before?.identifier ?? []).toString("utf8"),
      password: "a-long-new-password",
    });
    expect(after?.version).toBe((before?.version ?? 0) + 1);
    expect(Buffer.from(after?.record ?? []).toString()).toBe("record:a-long-new-password");
  });

  it("gives an account without a password the signup identifier", async () => {
    const user = await insertUser(t.database.db, { withCredential: false });
    await admin.setPassword(user.id, "first-password-ever");
    expect(registered.at(-1)?.identifier).toBe(`user:${user.username.toLowerCase()}`);
    expect(await getPasswordCredential(t.database.db, user.id)).not.toBeNull();
  });

  it("refuses a weak password before any registration, and deleted accounts", async () => {
    const user = await insertUser(t.database.db);
    const calls = registered.length;
    expect(await kindOf(admin.setPassword(user.id, "short"))).toBe("INVALID_ARGUMENT");
    expect(registered.length).toBe(calls);
    const gone = await insertUser(t.database.db, { deleted: true });
    expect(await kindOf(admin.setPassword(gone.id, "a-long-new-password"))).toBe("NOT_FOUND");
  });
});

describe("UserAdministration.setUsername", () => {
  it("may give a reserved name; a taken one is ALREADY_EXISTS", async () => {
    const user = await insertUser(t.database.db);
    const other = await insertUser(t.database.db);
    // "system" is reserved for self-signup only (05 §1).
    expect((await admin.setUsername(user.id, "system")).username).toBe("system");
    expect(await kindOf(admin.setUsername(other.id, "SYSTEM"))).toBe("ALREADY_EXISTS");
    expect(await kindOf(admin.setUsername(other.id, "x"))).toBe("INVALID_ARGUMENT");
    const renamed = uniqueUsername("renamed");
    expect((await admin.setUsername(other.id, renamed)).username).toBe(renamed);
  });
});

describe("UserAdministration.banMany and listBans", () => {
  it("bans all or nothing; already banned users keep their ban", async () => {
    const a = await insertUser(t.database.db);
    const b = await insertUser(t.database.db, { banned: true });
    const gone = await insertUser(t.database.db, { deleted: true });
    expect(await kindOf(admin.banMany([a.id, gone.id], "raid", null))).toBe("NOT_FOUND");
    expect((await findUserById(t.database.db, a.id))?.status).toBe("ACTIVE");

    const outcomes = await admin.banMany([a.id, b.id, a.id], "raid", null);
    expect(outcomes.map((o) => [o.user.id, o.user.status, o.created])).toEqual([
      [a.id, "BANNED", true],
      [b.id, "BANNED", false],
    ]);
    expect(await kindOf(admin.banMany([], "raid", null))).toBe("INVALID_ARGUMENT");
    expect(await kindOf(admin.banMany([a.id], "  ", null))).toBe("INVALID_ARGUMENT");
    expect(await kindOf(admin.banMany([a.id], "raid", Date.now() - 1))).toBe("INVALID_ARGUMENT");
  });

  it("lists ban records, newest first, optionally only those in force", async () => {
    const user = await insertUser(t.database.db);
    await admin.ban(user.id, "first", null);
    await admin.unban(user.id);
    await admin.ban(user.id, "second", null);
    const all = await admin.listBans({ targetId: user.id, activeOnly: false, offset: 0, limit: 10 });
    expect(all.total).toBe(2);
    expect(all.bans.map((b) => b.targetName)).toEqual([user.username, user.username]);
    expect(all.bans.find((b) => b.reason === "first")).toMatchObject({ active: false, revokedAt: expect.any(Number) });
    const active = await admin.listBans({ targetId: user.id, activeOnly: true, offset: 0, limit: 10 });
    expect(active.bans.map((b) => [b.reason, b.active, b.revokedAt])).toEqual([["second", true, null]]);
  });
});
