// `synctv user delete | restore [--ignore-identity-conflicts] | batch delete` through the built CLI
// over the Unix socket (08 §4.2–4.3, 06 §4.8): human and JSON output, the owned room going and
// coming back, one-line errors with their exit codes, and one audit row per call as local-management.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagedServer, readAuditRows, startManagedServer, writeSecretFile } from "./management-support.js";

let m: ManagedServer;
let roomId = "";
let pw = "";
const json = (text: string) => JSON.parse(text) as Record<string, unknown>;
const ok = (r: { code: number | null; stderr: string }) => {
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
};

beforeAll(async () => {
  m = await startManagedServer();
  pw = await writeSecretFile(m.dataDir, "user.pw", "Dora-Initial-Pass-42");
  ok(await m.cli(["user", "create", "dora", "--email", "dora@example.com", "--password-file", pw]));
  ok(await m.cli(["user", "create", "eve", "--password-file", pw]));
  const room = await m.cli(["-o", "json", "room", "create", "Dora room", "--username", "dora"]);
  ok(room);
  roomId = String((json(room.stdout).room as Record<string, unknown>).id);
}, 120_000);
afterAll(async () => {
  await m.cleanup();
});

// Each CLI run is a fresh process (tsx from source when dist/ is stale), so the budget is generous.
describe("account deletion and restore over the Unix socket", { timeout: 300_000 }, () => {
  it("deletes an account with its room, refuses a second delete, and restores both", async () => {
    const deleted = await m.cli(["-o", "json", "user", "delete", "dora", "--reason", "asked to leave"]);
    ok(deleted);
    const body = json(deleted.stdout);
    const user = body.user as Record<string, unknown>;
    const userId = String(user.id);
    expect(user).toMatchObject({ username: "dora", status: "USER_STATUS_DELETED" });
    expect(body.summary).toEqual({ deletedRooms: 1, emailReleased: true });

    const gone = await m.cli(["room", "get", roomId]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe("error: not_found: Room not found\n");
    const again = await m.cli(["user", "delete", userId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("error: failed_precondition: dora is already deleted\n");
    const unknown = await m.cli(["user", "delete", "nobody-here"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("error: not_found: User not found\n");

    const restored = await m.cli(["user", "restore", "dora"]);
    ok(restored);
    expect(restored.stdout).toBe(`restored dora (${userId}): 1 owned room\n`);
    const back = await m.cli(["-o", "json", "room", "get", roomId]);
    ok(back);
    const got = await m.cli(["-o", "json", "user", "get", "dora@example.com"]);
    ok(got);
    expect(json(got.stdout).user).toMatchObject({ id: userId, status: "USER_STATUS_ACTIVE" });
  });

  it("restores over a taken username only with --ignore-identity-conflicts", async () => {
    const deleted = await m.cli(["user", "delete", "eve"]);
    ok(deleted);
    const userId = /\((usr_\w+)\)/.exec(deleted.stdout)?.[1] ?? "";
    expect(deleted.stdout).toBe(
      `deleted eve (${userId}): 0 owned rooms, 0 memberships, 0 playlists, 0 media items, 0 chat messages\n`,
    );
    ok(await m.cli(["user", "create", "eve", "--password-file", pw]));

    const refused = await m.cli(["user", "restore", userId]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: already_exists: [^\n]+\n$/);

    const restored = await m.cli(["-o", "json", "user", "restore", userId, "--ignore-identity-conflicts"]);
    ok(restored);
    const body = json(restored.stdout);
    expect(body.user).toMatchObject({ id: userId, status: "USER_STATUS_ACTIVE" });
    expect(String((body.user as Record<string, unknown>).username)).toMatch(/^restored_\d+$/);
    expect(body.releasedIdentities).toEqual([{ kind: "IDENTITY_KIND_USERNAME", value: "eve" }]);
  });

  it("batch delete is all or nothing", async () => {
    const unknown = await m.cli(["user", "batch", "delete", "eve", "nobody-here"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("error: not_found: User not found\n");
    const both = await m.cli(["user", "batch", "delete", "eve", "dora", "--reason", "cleanup"]);
    ok(both);
    const lines = both.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^deleted eve \(usr_\w+\): 0 owned rooms, /);
    expect(lines[1]).toMatch(/^deleted dora \(usr_\w+\): 1 owned room, .*; email released$/);
  });

  it("left one audit row per call, as local-management", async () => {
    expect(await m.server.stop()).toBe(0);
    const rows = await readAuditRows(m.dataDir);
    expect(rows.every((r) => r.actor_name === "local-management" && r.source === "management")).toBe(true);
    const count = (action: string, result = "OK") =>
      rows.filter((r) => r.action === action && r.result === result).length;
    expect(count("user.delete")).toBe(2);
    expect(count("user.delete", "FAILED_PRECONDITION")).toBe(1);
    expect(count("user.delete", "NOT_FOUND")).toBe(1);
    expect(count("user.restore")).toBe(2);
    expect(count("user.restore", "ALREADY_EXISTS")).toBe(1);
    expect(count("user.batch_delete")).toBe(1);
    expect(count("user.batch_delete", "NOT_FOUND")).toBe(1);
    expect(rows.find((r) => r.action === "user.delete" && r.result === "OK")).toMatchObject({
      target_type: "user",
      details: expect.objectContaining({ username: "dora", reason: "asked to leave", transport: "unix" }),
    });
  });
});
