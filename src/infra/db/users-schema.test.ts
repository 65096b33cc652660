import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.js";
import {
  dummyOpaqueCredential,
  expectCheckViolation,
  expectRestrictViolation,
  expectUniqueViolation,
  insertUser,
  uniqueUsername,
} from "../../../test/support/fixtures/index.js";
import {
  authEmailIdentities,
  authPasswordCredentials,
  authTokenBlacklist,
  type JsonObject,
  userBans,
  userPreferences,
  users,
} from "./schema/index.js";
import { userAccountProfiles } from "./views/user-account-profiles.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

const db = () => t.database.db;

function userRow(overrides: Partial<typeof users.$inferInsert> = {}) {
  return { username: uniqueUsername(), signupMethod: 1, ...overrides };
}

async function profileOf(userId: number) {
  const [row] = await db().select().from(userAccountProfiles).where(eq(userAccountProfiles.id, userId));
  return row;
}

describe("users table", () => {
  it("rejects a role outside root/admin/user", async () => {
    await expectCheckViolation(
      () =>
        db()
          .insert(users)
          .values(userRow({ role: 0 })),
      "users_role_range",
    );
    await expectCheckViolation(
      () =>
        db()
          .insert(users)
          .values(userRow({ role: 4 })),
      "users_role_range",
    );
  });

  it("rejects a username outside 3–50 characters of [A-Za-z0-9_-]", async () => {
    await expectCheckViolation(
      () =>
        db()
          .insert(users)
          .values(userRow({ username: "al" })),
      "users_username_format",
    );
    await expectCheckViolation(
      () =>
        db()
          .insert(users)
          .values(userRow({ username: "al ice" })),
      "users_username_format",
    );
  });

  it("rejects deleted_at without deletion_source", async () => {
    await expectCheckViolation(
      () =>
        db()
          .insert(users)
          .values(userRow({ deletedAt: new Date() })),
      "users_deletion_consistent",
    );
  });

  it("rejects a second live Alice/alice, but a soft-deleted alice frees the name", async () => {
    const alice = await insertUser(db(), { username: "Alice" });
    await expectUniqueViolation(
      () =>
        db()
          .insert(users)
          .values(userRow({ username: "alice" })),
      "users_username_live_key",
    );
    await db().update(users).set({ deletedAt: new Date(), deletionSource: 1 }).where(eq(users.id, alice.id));
    const again = await insertUser(db(), { username: "alice" });
    expect(again.id).not.toBe(alice.id);
  });

  it("lets the database own updated_at and keeps timestamps to the millisecond", async () => {
    const { id } = await insertUser(db());
    await db()
      .update(users)
      .set({ updatedAt: new Date(0), version: sql`${users.version} + 1` })
      .where(eq(users.id, id));
    const [row] = await db().select().from(users).where(eq(users.id, id));
    expect(row?.updatedAt.getTime()).toBeGreaterThan(0);
    expect(row?.version).toBe(2);
  });
});

describe("email identities", () => {
  it("reject a second live Bob@Example.com/bob@example.com, but a soft-deleted one frees the address", async () => {
    const first = await insertUser(db(), { email: "Bob@Example.com" });
    const second = await insertUser(db());
    await expectUniqueViolation(
      () => db().insert(authEmailIdentities).values({ userId: second.id, email: "bob@example.com" }),
      "auth_email_identities_email_live_key",
    );
    await db()
      .update(authEmailIdentities)
      .set({ deletedAt: new Date(), deletionSource: 1 })
      .where(eq(authEmailIdentities.userId, first.id));
    await db().insert(authEmailIdentities).values({ userId: second.id, email: "bob@example.com" });
  });

  it("reject a blank address and a second identity for one user", async () => {
    const { id } = await insertUser(db(), { email: "carol@example.com" });
    const other = await insertUser(db());
    await expectCheckViolation(
      () => db().insert(authEmailIdentities).values({ userId: other.id, email: "  " }),
      "auth_email_identities_email_not_blank",
    );
    await expectUniqueViolation(
      () => db().insert(authEmailIdentities).values({ userId: id, email: "carol2@example.com" }),
      "auth_email_identities_user_key",
    );
  });
});

describe("password credentials (OPAQUE group all or none)", () => {
  it("accept a complete group and an empty group, and round-trip the bytes exactly", async () => {
    const full = await insertUser(db(), { withCredential: false });
    const material = dummyOpaqueCredential();
    await db()
      .insert(authPasswordCredentials)
      .values({ userId: full.id, ...material });
    const [row] = await db().select().from(authPasswordCredentials).where(eq(authPasswordCredentials.userId, full.id));
    expect(row?.opaqueRecord).toEqual(material.opaqueRecord);
    expect(row?.opaqueRecord).toBeInstanceOf(Uint8Array);
    const none = await insertUser(db(), { withCredential: false });
    await db().insert(authPasswordCredentials).values({ userId: none.id });
  });

  it("reject a record without identifier, an empty record and a blank ciphersuite", async () => {
    const { id } = await insertUser(db(), { withCredential: false });
    const material = dummyOpaqueCredential();
    const constraint = "auth_password_credentials_opaque_all_or_none";
    await expectCheckViolation(
      () => db().insert(authPasswordCredentials).values({ userId: id, opaqueRecord: material.opaqueRecord }),
      constraint,
    );
    await expectCheckViolation(
      () =>
        db()
          .insert(authPasswordCredentials)
          .values({ userId: id, ...material, opaqueCredentialIdentifier: null }),
      constraint,
    );
    await expectCheckViolation(
      () =>
        db()
          .insert(authPasswordCredentials)
          .values({ userId: id, ...material, opaqueRecord: new Uint8Array() }),
      constraint,
    );
    await expectCheckViolation(
      () =>
        db()
          .insert(authPasswordCredentials)
          .values({ userId: id, ...material, opaqueCiphersuite: " " }),
      constraint,
    );
  });

  it("reject a server setup version of 0", async () => {
    const { id } = await insertUser(db(), { withCredential: false });
    await expectCheckViolation(
      () =>
        db()
          .insert(authPasswordCredentials)
          .values({ userId: id, ...dummyOpaqueCredential(), opaqueServerSetupVersion: 0 }),
      "auth_password_credentials_setup_version_positive",
    );
  });
});

describe("delete policies", () => {
  it("cascade a hard-deleted user's credential, preferences and email, but a ban restricts the delete", async () => {
    const plain = await insertUser(db(), { email: "dave@example.com" });
    await db().delete(users).where(eq(users.id, plain.id));
    expect(
      await db().select().from(authPasswordCredentials).where(eq(authPasswordCredentials.userId, plain.id)),
    ).toEqual([]);
    expect(await db().select().from(userPreferences).where(eq(userPreferences.userId, plain.id))).toEqual([]);
    const banned = await insertUser(db(), { banned: true });
    await expectRestrictViolation(
      () => db().delete(users).where(eq(users.id, banned.id)),
      "user_bans_user_id_users_id_fk",
    );
  });

  it("null the actor when the banning admin is purged", async () => {
    const admin = await insertUser(db(), { role: "ADMIN" });
    const target = await insertUser(db());
    await db().insert(userBans).values({ userId: target.id, bannedBy: admin.id });
    await db().delete(users).where(eq(users.id, admin.id));
    const [ban] = await db().select().from(userBans).where(eq(userBans.userId, target.id));
    expect(ban?.bannedBy).toBeNull();
  });
});

describe("user_preferences", () => {
  it("default the notification switches of the spec and refuse a non-object settings document", async () => {
    const { id } = await insertUser(db());
    const [row] = await db().select().from(userPreferences).where(eq(userPreferences.userId, id));
    expect(row).toMatchObject({
      twoFactorEnabled: false,
      notifyInvitationInApp: true,
      notifyRoomEventInApp: true,
      notifyAnnouncementInApp: true,
      notifyInvitationEmail: false,
      notifyRoomEventEmail: false,
      notifyAnnouncementEmail: true,
      settings: {},
    });
    await expectCheckViolation(
      () =>
        db()
          .update(userPreferences)
          .set({ settings: sql.raw(`'[]'::jsonb`) as unknown as JsonObject })
          .where(eq(userPreferences.userId, id)),
      "user_preferences_settings_object",
    );
  });
});

describe("auth_token_blacklist", () => {
  it("refuses a key without a namespace", async () => {
    await expectCheckViolation(
      () => db().insert(authTokenBlacklist).values({ jti: "abc", expiresAt: new Date() }),
      "auth_token_blacklist_key_namespaced",
    );
  });
});

describe("user_account_profiles view", () => {
  it("reports an unbanned user as active", async () => {
    const { id } = await insertUser(db());
    expect(await profileOf(id)).toMatchObject({ status: 1, isBanned: false, banId: null });
  });

  it("reports the newest active ban with its actor and reason", async () => {
    const admin = await insertUser(db(), { role: "ADMIN" });
    const { id } = await insertUser(db());
    const endsAt = new Date(Date.now() + 3_600_000);
    const [ban] = await db()
      .insert(userBans)
      .values({ userId: id, bannedBy: admin.id, reason: "spam", endsAt })
      .returning();
    expect(await profileOf(id)).toMatchObject({
      status: 2,
      isBanned: true,
      banId: ban?.id,
      bannedBy: admin.id,
      banReason: "spam",
      banEndsAt: endsAt,
    });
  });

  it("ignores revoked, expired and not-yet-started bans", async () => {
    const { id } = await insertUser(db());
    const now = Date.now();
    await db()
      .insert(userBans)
      .values([
        { userId: id, revokedAt: new Date() },
        { userId: id, startsAt: new Date(now - 7_200_000), endsAt: new Date(now - 3_600_000) },
        { userId: id, startsAt: new Date(now + 3_600_000) },
      ]);
    expect(await profileOf(id)).toMatchObject({ status: 1, isBanned: false });
  });

  it("still lists soft-deleted users, with deleted_at set", async () => {
    const { id } = await insertUser(db(), { deleted: true });
    expect((await profileOf(id))?.deletedAt).toBeInstanceOf(Date);
  });
});
