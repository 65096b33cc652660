// ManagementService Get/UpdateUserPreferences (08 §4.2) against an in-process node on both engines:
// the defaults, field-mask patches that keep the other fields, the settings object round-tripped as
// JSON, the read-only two-factor switch, unknown users, and one audit row per committed update as
// local-management that names the paths but never the settings themselves.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserRefSchema } from "../../gen/synctv/management/v1/management_pb.js";
import { userPreferences } from "../../src/infra/db/schema/index.js";
import { createManagementClient, type ManagementClient } from "../../src/management/cli/remote/management-client.js";
import { signUp, type TestAccount } from "../support/accounts.js";
import { startTestNode, type TestNode } from "../support/node-harness.js";

let t: TestNode;
let client: ManagementClient;
let alice: TestAccount;
const byId = (userId: string) => create(UserRefSchema, { ref: { case: "userId", value: userId } });
const byName = (username: string) => create(UserRefSchema, { ref: { case: "username", value: username } });

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("expected the call to fail");
}

type AuditRow = { action: string; result: string; actor_name: string; target_id: string; details: unknown };
async function auditRows(action: string): Promise<AuditRow[]> {
  const result = await t.database.db.execute(
    sql`SELECT action, result, actor_name, target_id, details FROM audit_logs WHERE action = ${action} ORDER BY id`,
  );
  return (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as AuditRow[];
}

beforeAll(async () => {
  t = await startTestNode();
  client = createManagementClient({ kind: "unix", socketPath: t.node.management ?? "" }, "");
  alice = await signUp(t, "prefs");
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe("ManagementService user preferences", { timeout: 60_000 }, () => {
  it("reads the defaults of an account without a stored row", async () => {
    await t.database.db.delete(userPreferences).where(eq(userPreferences.userId, alice.userId));
    const got = await client.getUserPreferences({ user: byName(alice.username) });
    expect(got.userId).toBe(alice.publicId);
    expect(got.username).toBe(alice.username);
    expect(got.preferences).toMatchObject({
      twoFactorEnabled: false,
      notifyInvitationInApp: true,
      notifyRoomEventInApp: true,
      notifyAnnouncementInApp: true,
      notifyInvitationEmail: false,
      notifyRoomEventEmail: false,
      notifyAnnouncementEmail: true,
      settings: {},
      updatedAt: 0n,
    });
  });

  it("patches only the masked fields and round-trips the settings object", async () => {
    const first = await client.updateUserPreferences({
      user: byId(alice.publicId),
      preferences: { notifyInvitationInApp: false, settings: { theme: "dark", subtitles: { size: 1.25 } } },
      updateMask: { paths: ["notify_invitation_in_app", "settings"] },
    });
    expect(first.preferences).toMatchObject({
      notifyInvitationInApp: false,
      notifyAnnouncementEmail: true,
      settings: { theme: "dark", subtitles: { size: 1.25 } },
    });
    expect(first.preferences?.updatedAt).toBeGreaterThan(0n);

    const second = await client.updateUserPreferences({
      user: byId(alice.publicId),
      // Outside the mask: ignored.
      preferences: { notifyRoomEventEmail: true, notifyInvitationInApp: true },
      updateMask: { paths: ["notify_room_event_email"] },
    });
    expect(second.preferences).toMatchObject({
      notifyInvitationInApp: false,
      notifyRoomEventEmail: true,
      settings: { theme: "dark", subtitles: { size: 1.25 } },
    });
    const got = await client.getUserPreferences({ user: byId(alice.publicId) });
    expect(got.preferences).toEqual(second.preferences);
  });

  it("refuses the two-factor switch, bad settings and empty masks as INVALID_ARGUMENT", async () => {
    const twoFactor = await failure(
      client.updateUserPreferences({ user: byId(alice.publicId), updateMask: { paths: ["two_factor_enabled"] } }),
    );
    expect(twoFactor.code).toBe(Code.InvalidArgument);
    expect(twoFactor.rawMessage).toMatch(/two_factor_enabled is read-only/);
    const tooBig = await failure(
      client.updateUserPreferences({
        user: byId(alice.publicId),
        preferences: { settings: { blob: "x".repeat(20_000) } },
        updateMask: { paths: ["settings"] },
      }),
    );
    expect(tooBig.code).toBe(Code.InvalidArgument);
    expect(
      (await failure(client.updateUserPreferences({ user: byId(alice.publicId), updateMask: { paths: [] } }))).code,
    ).toBe(Code.InvalidArgument);
    expect((await failure(client.updateUserPreferences({ user: byId(alice.publicId) }))).code).toBe(
      Code.InvalidArgument,
    );
    expect((await client.getUserPreferences({ user: byId(alice.publicId) })).preferences?.twoFactorEnabled).toBe(false);
  });

  it("an unknown user is NOT_FOUND", async () => {
    expect((await failure(client.getUserPreferences({ user: byName("nobody-here") }))).code).toBe(Code.NotFound);
    expect(
      (
        await failure(
          client.updateUserPreferences({ user: byName("nobody-here"), updateMask: { paths: ["settings"] } }),
        )
      ).code,
    ).toBe(Code.NotFound);
  });

  it("audited each committed update once, as local-management, without the settings", async () => {
    const ok = (await auditRows("user.preferences_update")).filter((r) => r.result === "OK");
    expect(ok).toHaveLength(2);
    expect(ok.every((r) => r.actor_name === "local-management" && r.target_id === alice.publicId)).toBe(true);
    expect(ok[0]?.details).toMatchObject({ paths: "notify_invitation_in_app,settings", username: alice.username });
    expect(JSON.stringify(ok)).not.toContain("dark");
  });
});
