// `synctv user preferences get|set` through the built CLI over the Unix socket (08 §4.3): the human
// lines, ProtoJSON with -o json, usage errors (exit 2), an unknown user (exit 1) and a refused
// settings object (exit 5), and the audit rows the server kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagedServer, readAuditRows, startManagedServer, writeSecretFile } from "./management-support.js";

let m: ManagedServer;
const ok = (r: { code: number | null; stderr: string }) => {
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
};

beforeAll(async () => {
  m = await startManagedServer();
  const pw = await writeSecretFile(m.dataDir, "dana.pw", "Dana-Initial-Pass-42");
  ok(await m.cli(["user", "create", "dana", "--password-file", pw]));
}, 120_000);
afterAll(async () => {
  await m.cleanup();
});

// Each CLI run is a fresh process (tsx from source when dist/ is stale), so the budget is generous.
describe("user preferences over the Unix socket", { timeout: 240_000 }, () => {
  it("sets toggles and settings, then reads them back as lines and as ProtoJSON", async () => {
    const set = await m.cli([
      "user",
      "preferences",
      "set",
      "dana",
      "--notify-invitation-email",
      "true",
      "--notify-announcement-in-app",
      "false",
      "--settings-json",
      '{"theme":"dark"}',
    ]);
    ok(set);
    expect(set.stdout).toMatch(/^user:\s+dana \(usr_\S+\)$/m);
    expect(set.stdout).toMatch(/^two_factor_enabled:\s+false$/m);
    expect(set.stdout).toMatch(/^notify_invitation_email:\s+true$/m);
    expect(set.stdout).toMatch(/^notify_announcement_in_app:\s+false$/m);
    expect(set.stdout).toMatch(/^notify_invitation_in_app:\s+true$/m);
    expect(set.stdout).toMatch(/^settings:\s+\{"theme":"dark"\}$/m);

    const got = await m.cli(["-o", "json", "user", "preferences", "get", "dana"]);
    ok(got);
    const body = JSON.parse(got.stdout) as { username: string; preferences: Record<string, unknown> };
    expect(body.username).toBe("dana");
    expect(body.preferences).toMatchObject({
      notifyInvitationInApp: true,
      notifyInvitationEmail: true,
      settings: { theme: "dark" },
    });
    expect(body.preferences.notifyAnnouncementInApp).toBeUndefined(); // false is ProtoJSON's implicit default
  });

  it("reports bad input and unknown users with the documented exit codes", async () => {
    const none = await m.cli(["user", "preferences", "set", "dana"]);
    expect(none.code).toBe(2);
    const notBool = await m.cli(["user", "preferences", "set", "dana", "--notify-invitation-email", "yes"]);
    expect(notBool.code).toBe(2);
    expect(notBool.stderr.trim().split("\n")).toHaveLength(1);
    const unknown = await m.cli(["user", "preferences", "get", "nobody-here"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("error: not_found: User not found\n");
    const tooBig = await m.cli([
      "user",
      "preferences",
      "set",
      "dana",
      "--settings-json",
      JSON.stringify({ blob: "x".repeat(20_000) }),
    ]);
    expect(tooBig.code).toBe(5);
    expect(tooBig.stderr).toMatch(/^error: invalid_argument: settings must be at most \d+ bytes[^\n]*\n$/);
  });

  it("left one OK audit row for the update and one for the refused call", async () => {
    expect(await m.server.stop()).toBe(0);
    const rows = (await readAuditRows(m.dataDir)).filter((r) => r.action === "user.preferences_update");
    expect(rows.map((r) => r.result)).toEqual(["OK", "INVALID_ARGUMENT"]);
    expect(rows[0]).toMatchObject({
      actor_name: "local-management",
      source: "management",
      target_type: "user",
      details: expect.objectContaining({
        paths: "notify_announcement_in_app,notify_invitation_email,settings",
        transport: "unix",
      }),
    });
  });
});
