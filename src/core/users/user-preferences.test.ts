// AccountPreferences (06 user_preferences): defaults without a row, field-mask upserts that keep
// the other fields, the read-only two-factor switch and the bounds of the settings object.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.js";
import { insertUser } from "../../../test/support/fixtures/index.js";
import { userPreferences } from "../../infra/db/schema/index.js";
import { DomainError } from "../errors.js";
import { AccountPreferences, DEFAULT_USER_PREFERENCES, SETTINGS_MAX_BYTES } from "./user-preferences.js";

let t: TestDatabase;
let prefs: AccountPreferences;

beforeAll(async () => {
  t = await createTestDatabase();
  prefs = new AccountPreferences({ database: t.database });
});
afterAll(async () => {
  await t.drop();
});

/** A user without a preferences row (accounts created before the row existed, or by hand). */
async function userWithoutRow(): Promise<number> {
  const user = await insertUser(t.database.db);
  await t.database.db.delete(userPreferences).where(eq(userPreferences.userId, user.id));
  return user.id;
}

async function failure(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

describe("AccountPreferences.get", () => {
  it("reads the 06 defaults when the account has no row", async () => {
    const id = await userWithoutRow();
    expect(await prefs.get(id)).toEqual({
      twoFactorEnabled: false,
      notifyInvitationInApp: true,
      notifyRoomEventInApp: true,
      notifyAnnouncementInApp: true,
      notifyInvitationEmail: false,
      notifyRoomEventEmail: false,
      notifyAnnouncementEmail: true,
      settings: {},
      updatedAt: null,
    });
  });

  it("an unknown account is NOT_FOUND", async () => {
    expect((await failure(prefs.get(987_654_321))).kind).toBe("NOT_FOUND");
  });
});

describe("AccountPreferences.update", () => {
  it("upserts the masked toggles and settings when no row exists", async () => {
    const id = await userWithoutRow();
    const updated = await prefs.update(
      id,
      { notifyInvitationEmail: true, settings: { theme: "dark", volume: 0.5, panels: ["chat", { pinned: true }] } },
      ["notify_invitation_email", "settings"],
    );
    expect(updated).toMatchObject({
      ...DEFAULT_USER_PREFERENCES,
      notifyInvitationEmail: true,
      settings: { theme: "dark", volume: 0.5, panels: ["chat", { pinned: true }] },
      updatedAt: expect.any(Number),
    });
    expect(await prefs.get(id)).toEqual(updated);
  });

  it("a partial update keeps every field it does not name", async () => {
    const id = await userWithoutRow();
    await prefs.update(id, { notifyRoomEventInApp: false, settings: { lang: "fr" } }, [
      "notify_room_event_in_app",
      "settings",
    ]);
    // Fields set in the patch but outside the mask are ignored.
    const second = await prefs.update(id, { notifyAnnouncementEmail: false, notifyRoomEventInApp: true }, [
      "notify_announcement_email",
    ]);
    expect(second).toMatchObject({
      notifyRoomEventInApp: false,
      notifyAnnouncementEmail: false,
      notifyInvitationInApp: true,
      settings: { lang: "fr" },
    });
  });

  it("a masked but absent field goes back to its default; settings to {}", async () => {
    const id = (await insertUser(t.database.db)).id;
    await prefs.update(id, { notifyInvitationInApp: false, settings: { a: 1 } }, [
      "notify_invitation_in_app",
      "settings",
    ]);
    const reset = await prefs.update(id, {}, ["notify_invitation_in_app", "settings"]);
    expect(reset.notifyInvitationInApp).toBe(true);
    expect(reset.settings).toEqual({});
  });

  it("two_factor_enabled is read-only and unknown or empty masks are refused", async () => {
    const id = await userWithoutRow();
    const twoFactor = await failure(prefs.update(id, {}, ["two_factor_enabled"]));
    expect(twoFactor.kind).toBe("INVALID_ARGUMENT");
    expect(twoFactor.message).toMatch(/two_factor_enabled is read-only/);
    expect((await failure(prefs.update(id, {}, ["notify_everything"]))).kind).toBe("INVALID_ARGUMENT");
    expect((await failure(prefs.update(id, {}, []))).kind).toBe("INVALID_ARGUMENT");
    // Nothing was written by the refused calls.
    expect((await prefs.get(id)).updatedAt).toBeNull();
  });

  it("refuses settings that are not a bounded JSON object", async () => {
    const id = await userWithoutRow();
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 20; i += 1) {
      const next: Record<string, unknown> = {};
      deep.x = next;
      deep = next;
    }
    const bad: unknown[] = [
      ["not", "an", "object"],
      "text",
      null,
      { big: "x".repeat(SETTINGS_MAX_BYTES) },
      root,
      { nul: "a\u0000b" },
      { n: Number.NaN },
      { when: new Date() },
    ];
    for (const settings of bad) {
      const error = await failure(prefs.update(id, { settings: settings as Record<string, unknown> }, ["settings"]));
      expect(error.kind).toBe("INVALID_ARGUMENT");
      expect(error.fieldViolations[0]?.field).toBe("settings");
    }
    expect((await prefs.get(id)).updatedAt).toBeNull();
  });

  it("a deleted or unknown account is NOT_FOUND", async () => {
    const deleted = await insertUser(t.database.db, { deleted: true });
    expect((await failure(prefs.update(deleted.id, {}, ["settings"]))).kind).toBe("NOT_FOUND");
    expect((await failure(prefs.update(987_654_321, {}, ["settings"]))).kind).toBe("NOT_FOUND");
  });
});
