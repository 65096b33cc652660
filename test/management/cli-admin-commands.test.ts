// The rest of the P1 command tree through the built CLI over the Unix socket (08 §4.2–4.3): room
// bans, settings, member permissions, playlist and media edits, set-password from stdin, shell
// completion — human and JSON output, one-line errors with their exit codes, and one audit row per
// mutating call as local-management without secrets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagedServer, readAuditRows, startManagedServer, writeSecretFile } from "./management-support.js";

const BOB_PASSWORD = "Bob-Initial-Pass-42";
const NEW_PASSWORD = "Bob-Replaced-Pass-77";
const ROOM_PASSWORD = "room-secret-9931";

let m: ManagedServer;
let roomId = "";
const json = (text: string) => JSON.parse(text) as Record<string, unknown>;
const ok = (r: { code: number | null; stderr: string }) => {
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
};

beforeAll(async () => {
  m = await startManagedServer();
  const pw = await writeSecretFile(m.dataDir, "bob.pw", BOB_PASSWORD);
  ok(await m.cli(["user", "create", "bob", "--password-file", pw]));
  ok(await m.cli(["user", "create", "carol", "--password-file", pw]));
  const room = await m.cli(["-o", "json", "room", "create", "Admin room", "--username", "bob"]);
  ok(room);
  roomId = String((json(room.stdout).room as Record<string, unknown>).id);
  ok(await m.cli(["room", "member", "add", roomId, "carol"]));
}, 120_000);
afterAll(async () => {
  await m.cleanup();
});

// Each CLI run starts a fresh process (tsx from source when dist/ is stale): minutes per test on a
// busy machine, so the budget is generous.
describe("the P1 admin commands over the Unix socket", { timeout: 240_000 }, () => {
  it("bans and unbans a room; `room bans list` shows the record in both outputs", async () => {
    const ban = await m.cli(["room", "ban", roomId, "--reason", "copyright complaint"]);
    ok(ban);
    expect(ban.stdout).toBe(`banned room ${roomId}\n`);
    const again = await m.cli(["room", "ban", roomId, "--reason", "twice"]);
    expect(again.stdout).toBe(`room ${roomId} was already banned\n`);
    const got = await m.cli(["-o", "json", "room", "get", roomId]);
    expect((json(got.stdout).room as Record<string, unknown>).isBanned).toBe(true);

    const table = await m.cli(["room", "bans", "list", "--active"]);
    ok(table);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+TARGET\s+NAME\s+ACTIVE\s+STARTS\s+ENDS\s+REVOKED\s+REASON$/);
    expect(lines[1]).toMatch(
      new RegExp(`^\\d+\\s+${roomId}\\s+Admin room\\s+yes\\s+\\S+\\s+-\\s+-\\s+copyright complaint$`),
    );
    expect(lines.at(-1)).toBe("(1 total)");

    const unban = await m.cli(["room", "unban", roomId]);
    ok(unban);
    expect(unban.stdout).toBe(`unbanned room ${roomId}\n`);
    const machine = await m.cli(["-o", "json", "room", "bans", "list", "--room-id", roomId]);
    const bans = json(machine.stdout).bans as Record<string, unknown>[];
    expect(bans).toHaveLength(1);
    expect(bans[0]).toMatchObject({ targetId: roomId, reason: "copyright complaint" });
    expect(bans[0]?.active).toBeUndefined(); // false is ProtoJSON's implicit default
    expect(Number(bans[0]?.revokedAt)).toBeGreaterThan(0);
    expect((await m.cli(["room", "bans", "list", "--active"])).stdout.trim().split("\n").at(-1)).toBe("(0 total)");
  });

  it("reads and field-mask updates the room settings", async () => {
    const before = await m.cli(["room", "settings", "get", roomId]);
    ok(before);
    expect(before.stdout).toMatch(/^chat_enabled:\s+true$/m);
    expect(before.stdout).toMatch(/^auto_play\.mode:\s+SEQUENTIAL$/m);
    const version = Number(/^version:\s+(\d+)$/m.exec(before.stdout)?.[1]);

    const updated = await m.cli([
      "-o",
      "json",
      "room",
      "settings",
      "update",
      roomId,
      "--set",
      "chat_enabled=false",
      "--set",
      "auto_play.mode=shuffle",
      "--set",
      "max_members=25",
    ]);
    ok(updated);
    const body = json(updated.stdout);
    expect(Number(body.version)).toBe(version + 1);
    expect(body.settings).toMatchObject({
      maxMembers: "25",
      autoPlay: expect.objectContaining({ mode: "PLAY_MODE_SHUFFLE" }),
    });
    expect((body.settings as Record<string, unknown>).chatEnabled).toBeUndefined();

    const after = await m.cli(["room", "settings", "get", roomId]);
    expect(after.stdout).toMatch(/^chat_enabled:\s+false$/m);
    expect(after.stdout).toMatch(/^max_members:\s+25$/m);
    const unset = await m.cli(["room", "settings", "update", roomId, "--unset", "max_members"]);
    ok(unset);
    expect(unset.stdout).toMatch(/^max_members:\s+100$/m); // back to the default

    const badKey = await m.cli(["room", "settings", "update", roomId, "--set", "no_such_setting=1"]);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr.trim().split("\n")).toHaveLength(1);
    const tooMany = await m.cli(["room", "settings", "update", roomId, "--set", "max_members=99999"]);
    expect(tooMany.code).toBe(5);
    expect(tooMany.stderr).toMatch(/^error: invalid_argument: [^\n]+\n$/);
  });

  it("sets a member's role and remark name", async () => {
    const human = await m.cli(["room", "member", "set-permissions", roomId, "carol", "--role", "admin"]);
    ok(human);
    expect(human.stdout).toMatch(/^USER_ID\s+USERNAME\s+ROLE\s+JOINED\n\S+\s+carol\s+ADMIN\s+/);
    const machine = await m.cli(["-o", "json", "room", "member", "set-remark-name", roomId, "carol", "Co-host"]);
    ok(machine);
    expect(json(machine.stdout).member).toMatchObject({
      username: "carol",
      role: "ROOM_MEMBER_ROLE_ADMIN",
      remarkName: "Co-host",
    });
    const nothing = await m.cli(["room", "member", "set-permissions", roomId, "carol"]);
    expect(nothing.code).toBe(5);
    expect(nothing.stderr).toMatch(/^error: invalid_argument: Nothing to change/);
  });

  it("moves a playlist, edits and adds media", async () => {
    const first = await m.cli(["-o", "json", "playlist", "create", roomId, "First"]);
    const second = await m.cli(["-o", "json", "playlist", "create", roomId, "Second"]);
    const firstId = String((json(first.stdout).playlist as Record<string, unknown>).id);
    const secondId = String((json(second.stdout).playlist as Record<string, unknown>).id);
    const moved = await m.cli(["playlist", "move", roomId, secondId, "--before", firstId]);
    ok(moved);
    expect(moved.stdout).toBe(`moved playlist Second before ${firstId}\n`);
    const listed = await m.cli(["-o", "json", "playlist", "list", roomId]);
    expect((json(listed.stdout).playlists as { id: string }[]).map((p) => p.id)).toEqual([secondId, firstId]);
    const noAnchor = await m.cli(["playlist", "move", roomId, secondId]);
    expect(noAnchor.code).toBe(2);

    const added = await m.cli(["media", "add-url", roomId, "https://media.example.com/a.mp4", "--name", "Draft"]);
    const mediaId = /\((med_\w+)\)/.exec(added.stdout)?.[1] ?? "";
    const renamed = await m.cli(["media", "update", roomId, mediaId, "--name", "Final cut"]);
    ok(renamed);
    expect(renamed.stdout).toBe(`updated Final cut (${mediaId})\n`);

    const viaProvider = await m.cli([
      "-o",
      "json",
      "media",
      "add",
      roomId,
      "--provider",
      "direct_url",
      "--config-json",
      '{"medias":[{"url":"https://media.example.com/b.m3u8?token=provider-secret"}]}',
      "--name",
      "Live feed",
      "--playlist-id",
      firstId,
    ]);
    ok(viaProvider);
    expect(json(viaProvider.stdout).media).toMatchObject({ name: "Live feed", playlistId: firstId });
    const badJson = await m.cli(["media", "add", roomId, "--provider", "direct_url", "--config-json", "{nope"]);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toBe("error: the media config is not valid JSON\n");
  });

  it("sets a user's password from stdin, never from the command line", async () => {
    const set = await m.cliWithStdin(["user", "set-password", "bob", "--password", "-"], `${NEW_PASSWORD}\n`);
    ok(set);
    expect(set.stdout).toBe("set a new password for bob\n");
    const empty = await m.cliWithStdin(["user", "set-password", "bob", "--password", "-"], "");
    expect(empty.code).toBe(5);
    expect(empty.stderr).toBe("error: no password on stdin\n");
    const inline = await m.cli(["user", "set-password", "bob", "--password", NEW_PASSWORD]);
    expect(inline.code).toBe(2);
    const weak = await m.cliWithStdin(["user", "set-password", "bob", "--password", "-"], "x\n");
    expect(weak.code).toBe(5);
    expect(weak.stderr.trim().split("\n")).toHaveLength(1);

    const roomPw = await m.cliWithStdin(["room", "set-password", roomId, "--password", "-"], ROOM_PASSWORD);
    ok(roomPw);
    expect(roomPw.stdout).toBe(`set the password of ${roomId}\n`);
  });

  it("reports unknown targets in one line with the documented exit code", async () => {
    const badId = await m.cli(["room", "ban", "room_nonsense!", "--reason", "x"]);
    expect(badId.code).toBe(5);
    expect(badId.stderr.trim().split("\n")).toHaveLength(1);
    const unknownUser = await m.cli(["user", "set-username", "nobody-here", "--username", "someone"]);
    expect(unknownUser.code).toBe(1);
    expect(unknownUser.stderr).toBe("error: not_found: User not found\n");
    const missingReason = await m.cli(["room", "ban", roomId]);
    expect(missingReason.code).toBe(2);
  });

  it("lists a user's rooms, grants admin, batch-bans and lists user bans", async () => {
    const rooms = await m.cli(["user", "rooms", "carol"]);
    ok(rooms);
    expect(rooms.stdout).toMatch(
      new RegExp(`^ID\\s+NAME\\s+ROLE\\s+OWNER\\s+JOINED\n${roomId}\\s+Admin room\\s+\\w+\\s+bob\\s+`),
    );

    const granted = await m.cli(["user", "admin", "grant", "carol"]);
    expect(granted.stdout).toBe("carol is now an administrator\n");
    const admins = await m.cli(["-o", "json", "user", "admin", "list"]);
    expect((json(admins.stdout).users as { username: string }[]).map((u) => u.username)).toContain("carol");
    ok(await m.cli(["user", "admin", "revoke", "carol"]));

    const batch = await m.cli(["user", "batch", "ban", "bob", "carol", "--reason", "raid"]);
    ok(batch);
    expect(batch.stdout).toBe("banned bob, carol (2 new, 0 already banned)\n");
    const bans = await m.cli(["-o", "json", "user", "bans", "list", "--active", "--user-id", "carol"]);
    expect(json(bans.stdout).bans).toEqual([
      expect.objectContaining({ targetName: "carol", reason: "raid", active: true }),
    ]);
    const unknown = await m.cli(["user", "batch", "ban", "bob", "nobody-here", "--reason", "raid"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("error: not_found: User not found\n");
  });

  it("prints completion scripts generated from the command tree", async () => {
    const bash = await m.cli(["completion", "bash"]);
    ok(bash);
    expect(bash.stdout).toContain("complete -F _synctv synctv");
    expect(bash.stdout).toMatch(/"room member"\) words="[^"]*\bset-permissions\b[^"]*\bset-display-tag\b/);
    expect(bash.stdout).toMatch(/"room settings update"\) words="[^"]*--set --unset/);
    const zsh = await m.cli(["completion", "zsh"]);
    expect(zsh.stdout.startsWith("#compdef synctv\n")).toBe(true);
    const fish = await m.cli(["completion", "fish"]);
    expect(fish.stdout).toContain("complete -c synctv -n '__fish_use_subcommand' -a room");
    const tcsh = await m.cli(["completion", "tcsh"]);
    expect(tcsh.code).toBe(2);
  });

  it("left one audit row per mutating call, as local-management, without secrets", async () => {
    expect(await m.server.stop()).toBe(0);
    const rows = await readAuditRows(m.dataDir);
    const text = JSON.stringify(rows);
    for (const secret of [BOB_PASSWORD, NEW_PASSWORD, ROOM_PASSWORD, "provider-secret"])
      expect(text).not.toContain(secret);
    expect(rows.every((r) => r.actor_name === "local-management" && r.source === "management")).toBe(true);
    const count = (action: string, result = "OK") =>
      rows.filter((r) => r.action === action && r.result === result).length;
    expect(count("room.ban")).toBe(2);
    expect(count("room.unban")).toBe(1);
    expect(count("room.settings_update")).toBe(2);
    expect(count("room.settings_update", "INVALID_ARGUMENT")).toBe(1);
    expect(count("room.member_set_permissions")).toBe(1);
    expect(count("room.member_set_permissions", "INVALID_ARGUMENT")).toBe(1);
    expect(count("room.member_set_display")).toBe(1);
    expect(count("playlist.move")).toBe(1);
    expect(count("media.update")).toBe(1);
    expect(count("user.set_password")).toBe(1);
    expect(count("user.set_password", "INVALID_ARGUMENT")).toBe(1);
    expect(count("room.set_password")).toBe(1);
    expect(count("user.set_role")).toBe(2);
    expect(count("user.batch_ban")).toBe(1);
    expect(count("user.batch_ban", "NOT_FOUND")).toBe(1);
    expect(rows.find((r) => r.action === "room.ban")).toMatchObject({
      target_type: "room",
      target_id: roomId,
      details: expect.objectContaining({ reason: "copyright complaint", transport: "unix" }),
    });
    expect(rows.find((r) => r.action === "room.settings_update" && r.result === "OK")?.details.paths).toBe(
      "chat_enabled,auto_play.mode,max_members",
    );
    expect(rows.filter((r) => r.action === "media.add").at(-1)?.details).toMatchObject({
      provider: "directUrl",
      url_origin: "https://media.example.com",
    });
  });
});
