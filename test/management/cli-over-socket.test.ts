// The real CLI against a real server over the management Unix socket (08 §4.1–4.5, §10): users,
// rooms, members, bans, a direct-URL media item and its playback in human and JSON output; socket and directory modes; nothing on the public
// port; one-line errors with documented exit codes; `synctv stop` stage by stage; one audit row per
// mutating call, with no secret in it, still there after the server is gone.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagedServer, readAuditRows, startManagedServer, writeSecretFile } from "./management-support.js";

const PASSWORD = "Correct-Horse-42";
const STAGES = [
  "READY",
  "SHUTDOWN_REQUESTED",
  "RUNTIME_DRAINING",
  "CONNECTION_DRAINING",
  "COMPONENTS_SHUTTING_DOWN",
  "FINALIZING",
  "COMPLETED",
];

let m: ManagedServer;
let passwordFile: string;
let roomId = "";
let aliceId = "";
let mediaId = "";
const MEDIA_URL = "https://media.example.com/films/night.mp4?token=sekrit-query-token";

beforeAll(async () => {
  m = await startManagedServer();
  passwordFile = await writeSecretFile(m.dataDir, "alice.pw", PASSWORD);
}, 90_000);
afterAll(async () => {
  await m.cleanup();
});

const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe("management over the Unix socket", { timeout: 60_000 }, () => {
  it("serves on <data_dir>/run/synctv.sock, a 0600 socket in a 0700 directory", async () => {
    const socketPath = join(m.dataDir, "run", "synctv.sock");
    expect(m.managementAddress()).toBe(socketPath);
    const socket = await stat(socketPath);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect((await stat(join(m.dataDir, "run"))).mode & 0o777).toBe(0o700);
  });

  it("answers nothing about management on the public API port", async () => {
    for (const method of ["GetServerState", "StopServer", "CreateUser"]) {
      const res = await fetch(`${m.server.apiUrl}/synctv.management.v1.ManagementService/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect([404, 501]).toContain(res.status);
    }
  });

  it("creates a user with the password from a file (human, then JSON)", async () => {
    const created = await m.cli([
      "user",
      "create",
      "alice",
      "--email",
      "alice@example.com",
      "--password-file",
      passwordFile,
    ]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created user alice \(usr_\w+\)\n$/);

    const got = await m.cli(["-o", "json", "user", "get", "alice@example.com"]);
    expect(got.code).toBe(0);
    const user = json(got.stdout).user as Record<string, string>;
    expect(user).toMatchObject({ username: "alice", email: "alice@example.com", role: "USER_ROLE_USER" });
    aliceId = user.id ?? "";
    expect(aliceId).toMatch(/^usr_/);
  });

  it("creates a room as that user and lists its members", async () => {
    const created = await m.cli(["-o", "json", "room", "create", "Movie night", "--username", "alice"]);
    expect(created.code).toBe(0);
    const room = json(created.stdout).room as Record<string, unknown>;
    expect(room).toMatchObject({ name: "Movie night", createdBy: aliceId });
    roomId = String(room.id);

    const human = await m.cli(["room", "member", "list", roomId]);
    expect(human.code).toBe(0);
    const lines = human.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^USER_ID\s+USERNAME\s+ROLE\s+JOINED$/);
    expect(lines[1]).toMatch(new RegExp(`^${aliceId}\\s+alice\\s+CREATOR\\s+`));
    expect(lines.at(-1)).toBe("(1 total)");

    const machine = await m.cli(["room", "member", "list", roomId, "-o", "json"]);
    expect(machine.code).toBe(0);
    const members = json(machine.stdout).members as Record<string, unknown>[];
    expect(members).toEqual([
      expect.objectContaining({ userId: aliceId, username: "alice", role: "ROOM_MEMBER_ROLE_CREATOR" }),
    ]);
  });

  it("bans and unbans the user; the status shows in both outputs", async () => {
    const ban = await m.cli(["user", "ban", "alice", "--reason", "spamming the chat"]);
    expect(ban.code).toBe(0);
    expect(ban.stdout).toBe("banned alice\n");
    const banned = await m.cli(["-o", "json", "user", "get", aliceId]);
    expect((json(banned.stdout).user as Record<string, unknown>).status).toBe("USER_STATUS_BANNED");

    const again = await m.cli(["-o", "json", "user", "ban", "alice", "--reason", "twice"]);
    expect(again.code).toBe(0);
    expect(json(again.stdout).created).toBeUndefined(); // false is ProtoJSON's implicit default

    const unban = await m.cli(["user", "unban", "alice"]);
    expect(unban.code).toBe(0);
    expect(unban.stdout).toBe("unbanned alice\n");
    const list = await m.cli(["user", "list", "--search", "alice"]);
    expect(list.stdout).toMatch(new RegExp(`${aliceId}\\s+alice\\s+USER\\s+ACTIVE\\s+alice@example.com`));
  });

  it("adds a direct-URL media item, starts it, pauses it; `playback get` shows it paused", async () => {
    const added = await m.cli(["media", "add-url", roomId, MEDIA_URL, "--name", "Night film"]);
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^added Night film \(med_\w+\)\n$/);
    mediaId = /\((med_\w+)\)/.exec(added.stdout)?.[1] ?? "";

    const listed = await m.cli(["-o", "json", "media", "list", roomId]);
    expect(listed.code).toBe(0);
    expect(json(listed.stdout).media).toEqual([
      expect.objectContaining({ id: mediaId, name: "Night film", creatorId: aliceId }),
    ]);
    const table = await m.cli(["media", "list", roomId]);
    expect(table.stdout).toMatch(
      new RegExp(`^ID\\s+NAME\\s+PLAYLIST\\s+CREATOR\n${mediaId}\\s+Night film\\s+-\\s+${aliceId}\n`),
    );

    const started = await m.cli(["playback", "start", roomId, "--media-id", mediaId]);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(new RegExp(`^playing ${mediaId} at \\d+\\.\\ds in ${roomId}\n$`));

    const paused = await m.cli(["playback", "pause", roomId, "--position", "42.5"]);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toBe(`paused ${mediaId} at 42.5s in ${roomId}\n`);

    const human = await m.cli(["playback", "get", roomId]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/state:\s+paused\n/);
    expect(human.stdout).toMatch(new RegExp(`media:\\s+${mediaId}\n`));
    expect(human.stdout).toMatch(/position:\s+42\.5s\n/);

    const machine = await m.cli(["-o", "json", "room", "playback", "get", roomId]);
    expect(machine.code).toBe(0);
    const state = json(machine.stdout).playbackState as Record<string, unknown>;
    expect(state).toMatchObject({ roomId, playingMediaId: mediaId, position: 42.5 });
    expect(state.playing).toBeUndefined(); // false is ProtoJSON's implicit default
  });

  it("reports bad playback and library input in one line with the documented exit code", async () => {
    const doomed = await m.cli(["-o", "json", "room", "create", "Doomed", "--username", "alice"]);
    const doomedId = String((json(doomed.stdout).room as Record<string, unknown>).id);
    expect((await m.cli(["room", "delete", doomedId])).code).toBe(0);
    const unknownRoom = await m.cli(["playback", "get", doomedId]);
    expect(unknownRoom.code).toBe(1);
    expect(unknownRoom.stderr).toBe("error: not_found: Room not found\n");

    const badMedia = await m.cli(["playback", "start", roomId, "--media-id", "med_nonsense"]);
    expect(badMedia.code).toBe(5);
    expect(badMedia.stderr).toMatch(/^error: invalid_argument: [^\n]+\n$/);

    const missingFlag = await m.cli(["playback", "seek", roomId]);
    expect(missingFlag.code).toBe(2);
    expect(missingFlag.stderr).toMatch(/^error: required option '--position <seconds>' not specified/);
    expect(missingFlag.stderr.trim().split("\n")).toHaveLength(1);

    const badUrl = await m.cli(["media", "add-url", roomId, "ftp://example.com/a.mp4"]);
    expect(badUrl.code).toBe(5);
    expect(badUrl.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("reports bad input in one line with the documented exit code", async () => {
    const unknownUser = await m.cli(["user", "get", "nobody-here"]);
    expect(unknownUser.code).toBe(1);
    expect(unknownUser.stderr).toBe("error: not_found: User not found\n");

    const badFlag = await m.cli(["user", "list", "--no-such-flag"]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr.trim().split("\n")).toHaveLength(1);

    const missingFile = await m.cli(["user", "create", "carol", "--password-file", join(m.dataDir, "missing.pw")]);
    expect(missingFile.code).toBe(5);
    expect(missingFile.stderr).toMatch(/^error: cannot read the password file .*missing\.pw \(ENOENT\)\n$/);

    const invalid = await m.cli(["user", "create", "x", "--password-file", passwordFile]);
    expect(invalid.code).toBe(5);
    expect(invalid.stderr.trim().split("\n")).toHaveLength(1);
    expect(invalid.stderr).toMatch(/username: must be 3–50 characters/);

    const unreachable = await m.cli(["--endpoint", join(m.dataDir, "nothing.sock"), "status"]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/^error: cannot reach the server at .*nothing\.sock/);
  });

  it("`synctv stop` prints every stage in order; the server exits 0 and removes its socket", async () => {
    const status = await m.cli(["status"]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/listener:\s+management .*synctv\.sock/);

    const stop = await m.cli(["stop"]);
    expect(stop.stderr).toBe("");
    expect(stop.code).toBe(0);
    expect(
      stop.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(STAGES);
    expect(await m.server.stop()).toBe(0);
    await expect(stat(join(m.dataDir, "run", "synctv.sock"))).rejects.toThrow(/ENOENT/);
  });

  it("left one audit row per mutating call, as local-management, without secrets", async () => {
    const rows = await readAuditRows(m.dataDir);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain("sekrit-query-token");
    expect(
      rows.every((r) => r.actor_name === "local-management" && r.source === "management" && r.actor_id === null),
    ).toBe(true);
    expect(rows.every((r) => r.details.transport === "unix")).toBe(true);
    // Committed changes are written in their own transactions, rejected calls through the
    // best-effort queue (flushed every 5 s, at the latest at shutdown): one row per call, in no
    // particular order across the two paths.
    const byKey = (a: string[], b: string[]) => a.join(" ").localeCompare(b.join(" "));
    const summary = rows.map((r) => [r.action, r.result]).sort(byKey);
    expect(summary).toEqual(
      [
        ["user.create", "OK"],
        ["room.create", "OK"],
        ["user.ban", "OK"],
        ["user.ban", "OK"],
        ["user.unban", "OK"],
        ["media.add", "OK"],
        ["playback.start", "OK"],
        ["playback.update", "OK"],
        ["room.create", "OK"],
        ["room.delete", "OK"],
        // The rejected calls, written best-effort (flushed at the latest at shutdown) with their code.
        ["playback.start", "INVALID_ARGUMENT"],
        ["media.add", "INVALID_ARGUMENT"],
        ["user.create", "INVALID_ARGUMENT"],
        ["server.stop", "OK"],
      ].sort(byKey),
    );
    expect(rows.find((r) => r.action === "media.add")).toMatchObject({
      target_type: "room",
      target_id: roomId,
      details: expect.objectContaining({ name: "Night film", url_origin: "https://media.example.com" }),
    });
    expect(rows.find((r) => r.action === "playback.update")?.details).toMatchObject({ type: "PAUSE", position: 42.5 });
    expect(rows.find((r) => r.result === "INVALID_ARGUMENT")?.details.error_code).toBe(3000);
    expect(rows.find((r) => r.action === "user.ban")).toMatchObject({ target_type: "user", target_id: aliceId });
  });
});
