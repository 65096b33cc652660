// ManagementService RPCs of the P1 tree not driven through the CLI suites (08 §4.2), against an
// in-process node on both engines: each goes through the same core call as the public API (so its
// effect shows there), is refused by core rules where the public API would be, and leaves one audit
// row as local-management.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserRefSchema } from "../../gen/synctv/management/v1/management_pb.js";
import { RoomMemberRole } from "../../gen/synctv/v1/room_pb.js";
import { createManagementClient, type ManagementClient } from "../../src/management/cli/remote/management-client.js";
import {
  addMember,
  createRoom,
  expectCode,
  type RoomsNode,
  startRoomsNode,
  users,
} from "../rooms/lifecycle-harness.js";
import type { TestAccount } from "../support/accounts.js";
import { callJson } from "../support/connect-json.js";

let n: RoomsNode;
let client: ManagementClient;
let owner: TestAccount;
let member: TestAccount;
const byName = (username: string) => create(UserRefSchema, { ref: { case: "username", value: username } });
const byId = (userId: string) => create(UserRefSchema, { ref: { case: "userId", value: userId } });

async function codeOf(call: Promise<unknown>): Promise<Code | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

async function auditActions(): Promise<{ action: string; result: string; actor_name: string }[]> {
  const result = await n.t.database.db.execute(sql`SELECT action, result, actor_name FROM audit_logs ORDER BY id`);
  return (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as {
    action: string;
    result: string;
    actor_name: string;
  }[];
}

beforeAll(async () => {
  n = await startRoomsNode();
  client = createManagementClient({ kind: "unix", socketPath: n.t.node.management ?? "" }, "");
  owner = await users(n, "owner");
  member = await users(n, "member");
}, 120_000);
afterAll(async () => {
  await n.close();
});

describe("ManagementService users", { timeout: 60_000 }, () => {
  it("renames a user; a taken name is ALREADY_EXISTS", async () => {
    const extra = await users(n, "rename");
    const renamed = await client.setUsername({ user: byId(extra.publicId), username: "renamed-by-ops" });
    expect(renamed.user?.username).toBe("renamed-by-ops");
    expect(await codeOf(client.setUsername({ user: byId(extra.publicId), username: owner.username }))).toBe(
      Code.AlreadyExists,
    );
  });

  it("sets a password: sessions carrying the old credential end", async () => {
    const victim = await users(n, "pw");
    const res = await client.setUserPassword({ user: byId(victim.publicId), password: "Fresh-Password-2031" });
    expect(res.user?.id).toBe(victim.publicId);
    const refreshed = await callJson(n.t.baseUrl, "synctv.v1.AuthService/RefreshToken", {
      refreshToken: victim.refreshToken,
    });
    expect(refreshed.status).not.toBe(200);
    expect(await codeOf(client.setUserPassword({ user: byId(victim.publicId), password: "short" }))).toBe(
      Code.InvalidArgument,
    );
  });

  it("bans a batch all-or-nothing and lists ban records", async () => {
    const a = await users(n, "batch-a");
    const b = await users(n, "batch-b");
    expect(
      await codeOf(client.batchBanUsers({ users: [byId(a.publicId), byName("nobody-at-all")], reason: "spam wave" })),
    ).toBe(Code.NotFound);
    expect((await client.listUserBans({ user: byId(a.publicId) })).total).toBe(0n);

    const first = await client.batchBanUsers({ users: [byId(a.publicId)], reason: "spam wave" });
    expect(first.createdCount).toBe(1);
    const batch = await client.batchBanUsers({ users: [byId(a.publicId), byId(b.publicId)], reason: "spam wave" });
    expect(batch.createdCount).toBe(1);
    expect(batch.users.map((u) => u.id)).toEqual([a.publicId, b.publicId]);

    const active = await client.listUserBans({ activeOnly: true });
    expect(active.bans.map((x) => x.targetId)).toEqual(expect.arrayContaining([a.publicId, b.publicId]));
    expect(active.bans.every((x) => x.active && x.reason === "spam wave")).toBe(true);
    await client.unbanUser({ user: byId(a.publicId) });
    const ofA = await client.listUserBans({ user: byId(a.publicId), activeOnly: true });
    expect(ofA.total).toBe(0n);
  });

  it("lists a user's rooms with their role", async () => {
    const room = await createRoom(n, owner, { name: "Owner's den" });
    await addMember(n, room.roomId, member.userId);
    const listed = await client.listUserRooms({ user: byId(member.publicId) });
    const entry = listed.rooms.find((r) => r.room?.id === room.id);
    expect(entry?.role).toBe(RoomMemberRole.MEMBER);
    const ofOwner = await client.listUserRooms({ user: byName(owner.username) });
    expect(ofOwner.rooms.find((r) => r.room?.id === room.id)?.role).toBe(RoomMemberRole.CREATOR);
  });
});

describe("ManagementService rooms", { timeout: 60_000 }, () => {
  it("a banned room refuses admissions on the public API until unbanned", async () => {
    const room = await createRoom(n, owner, { name: "Ban target" });
    await addMember(n, room.roomId, member.userId);
    const banned = await client.banRoom({ roomId: room.id, reason: "abuse report" });
    expect(banned.created).toBe(true);
    expect(banned.room?.isBanned).toBe(true);
    const newcomer = await users(n, "newcomer");
    expectCode(
      await callJson(n.t.baseUrl, "synctv.v1.RoomService/JoinRoom", { roomId: room.id }, newcomer.accessToken),
      4003,
    );
    expect((await client.listRoomBans({ roomId: room.id, activeOnly: true })).total).toBe(1n);

    const lifted = await client.unbanRoom({ roomId: room.id });
    expect(lifted.revoked).toBe(true);
    expect(
      (await callJson(n.t.baseUrl, "synctv.v1.RoomService/JoinRoom", { roomId: room.id }, newcomer.accessToken)).status,
    ).toBe(200);
    expect((await client.unbanRoom({ roomId: room.id })).revoked).toBe(false);
    expect(await codeOf(client.banRoom({ roomId: room.id, reason: "x", endsAt: 1n }))).toBe(Code.InvalidArgument);
  });

  it("bans a batch of rooms all-or-nothing", async () => {
    const a = await createRoom(n, owner, { name: "Batch A" });
    const b = await createRoom(n, owner, { name: "Batch B" });
    const deleted = await createRoom(n, owner, { name: "Batch gone" });
    await client.deleteRoom({ roomId: deleted.id });
    expect(await codeOf(client.batchBanRooms({ roomIds: [a.id, deleted.id], reason: "raid" }))).toBe(Code.NotFound);
    expect((await client.listRoomBans({ roomId: a.id })).total).toBe(0n);
    await client.banRoom({ roomId: b.id, reason: "earlier" });
    const batch = await client.batchBanRooms({ roomIds: [a.id, b.id], reason: "raid" });
    expect(batch.createdCount).toBe(1);
    expect(batch.rooms.map((r) => [r.id, r.isBanned])).toEqual([
      [a.id, true],
      [b.id, true],
    ]);
  });

  it("deletes a batch of rooms all-or-nothing", async () => {
    const a = await createRoom(n, owner, { name: "Doomed A" });
    const b = await createRoom(n, owner, { name: "Doomed B" });
    const gone = await createRoom(n, owner, { name: "Doomed gone" });
    await client.deleteRoom({ roomId: gone.id });
    expect(await codeOf(client.batchDeleteRooms({ roomIds: [a.id, gone.id] }))).toBe(Code.NotFound);
    expect((await client.getRoom({ roomId: a.id })).room?.id).toBe(a.id);
    expect((await client.batchDeleteRooms({ roomIds: [a.id, b.id, a.id] })).deletedCount).toBe(2);
    expect(await codeOf(client.getRoom({ roomId: b.id }))).toBe(Code.NotFound);
  });

  it("only platform administrators manage room bans (core rule)", async () => {
    const room = await createRoom(n, owner, { name: "Core ban check" });
    const asOwner = {
      kind: "user" as const,
      userId: owner.userId,
      role: "USER" as const,
      sessionId: "s",
      tokenId: "",
      tokenExpiresAt: 0,
    };
    await expect(n.lifecycle.bans.ban(asOwner, room.roomId, "mine", null)).rejects.toMatchObject({
      kind: "PERMISSION_DENIED",
    });
    await expect(n.lifecycle.bans.list(asOwner, { activeOnly: false, offset: 0, limit: 10 })).rejects.toMatchObject({
      kind: "PERMISSION_DENIED",
    });
  });

  it("transfers ownership (as the creator), changes visibility, clears the password and resets settings", async () => {
    const room = await createRoom(n, owner, { name: "Handover" });
    await addMember(n, room.roomId, member.userId);
    const moved = await client.transferRoomOwnership({ roomId: room.id, newOwner: byId(member.publicId) });
    expect(moved.room?.createdBy).toBe(member.publicId);
    const roles = await client.listRoomMembers({ roomId: room.id });
    expect(roles.members.find((m) => m.userId === owner.publicId)?.role).toBe(RoomMemberRole.ADMIN);
    const outsider = await users(n, "outsider");
    expect(await codeOf(client.transferRoomOwnership({ roomId: room.id, newOwner: byId(outsider.publicId) }))).toBe(
      Code.FailedPrecondition,
    );

    expect((await client.setRoomVisibility({ roomId: room.id, isPublic: false })).room?.isPublic).toBe(false);
    expect((await client.setRoomPassword({ roomId: room.id, password: "door-code-1" })).hasPassword).toBe(true);
    expect((await client.setRoomPassword({ roomId: room.id, password: "" })).hasPassword).toBe(false);

    const changed = await client.updateRoomSettings({
      roomId: room.id,
      settings: { chatEnabled: false },
      updateMask: { paths: ["chat_enabled"] },
    });
    expect(changed.settings?.chatEnabled).toBe(false);
    expect(
      await codeOf(
        client.updateRoomSettings({
          roomId: room.id,
          settings: { chatEnabled: true },
          updateMask: { paths: ["chat_enabled"] },
          expectedVersion: changed.version - 1n,
        }),
      ),
    ).toBe(Code.Aborted);
    const reset = await client.resetRoomSettings({ roomId: room.id });
    expect(reset.settings?.chatEnabled).toBe(true);
    expect(reset.version).toBe(changed.version + 1n);
  });

  it("sets a member's display tag", async () => {
    const room = await createRoom(n, owner, { name: "Tags" });
    await addMember(n, room.roomId, member.userId);
    const tagged = await client.updateRoomMemberDisplay({
      roomId: room.id,
      user: byId(member.publicId),
      displayTag: "VIP",
    });
    expect(tagged.member).toMatchObject({ displayTag: "VIP", remarkName: "" });
    const promoted = await client.updateRoomMemberPermissions({
      roomId: room.id,
      user: byId(member.publicId),
      role: RoomMemberRole.ADMIN,
    });
    expect(promoted.member?.role).toBe(RoomMemberRole.ADMIN);
  });
});

describe("ManagementService library", { timeout: 60_000 }, () => {
  it("gets and updates a playlist, adds by provider config, moves media", async () => {
    const room = await createRoom(n, owner, { name: "Library" });
    const { playlist } = await client.createPlaylist({ roomId: room.id, name: "Season 1" });
    const id = playlist?.id ?? "";
    const updated = await client.updatePlaylist({ roomId: room.id, playlistId: id, name: "Season One" });
    expect(updated.playlist?.name).toBe("Season One");
    expect(await codeOf(client.updatePlaylist({ roomId: room.id, playlistId: id }))).toBe(Code.InvalidArgument);

    const added = await client.addMedia({
      roomId: room.id,
      name: "Episode 1",
      sourceConfig: { source: { case: "directUrl", value: { medias: [{ url: "https://cdn.example.com/e1.mp4" }] } } },
    });
    const second = await client.addUrlMedia({
      roomId: room.id,
      url: "https://cdn.example.com/e2.mp4",
      name: "Episode 2",
    });
    const moved = await client.moveMedia({
      roomId: room.id,
      mediaIds: [second.media?.id ?? "", added.media?.id ?? ""],
      targetPlaylistId: id,
    });
    expect(moved.media.map((x) => x.playlistId)).toEqual([id, id]);
    const got = await client.getPlaylist({ roomId: room.id, playlistId: id });
    expect(got.mediaCount).toBe(2n);
    const listed = await client.listMedia({ roomId: room.id, playlistId: id });
    // A move keeps the items' relative order in their old scope, not the order they were named in.
    expect(listed.media.map((x) => x.name)).toEqual(["Episode 1", "Episode 2"]);

    const renamed = await client.updateMedia({ roomId: room.id, mediaId: added.media?.id ?? "", name: "Pilot" });
    expect(renamed.media?.name).toBe("Pilot");
    const unsupported = await codeOf(
      client.addMedia({
        roomId: room.id,
        sourceConfig: { source: { case: "alist", value: {} } },
      }),
    );
    expect(unsupported).not.toBeUndefined();
  });

  it("audited every committed change once, as local-management", async () => {
    const rows = await auditActions();
    expect(rows.every((r) => r.actor_name === "local-management")).toBe(true);
    const ok = (action: string) => rows.filter((r) => r.action === action && r.result === "OK").length;
    expect(ok("user.set_username")).toBe(1);
    expect(ok("user.set_password")).toBe(1);
    expect(ok("user.batch_ban")).toBe(2);
    expect(ok("room.ban")).toBe(2);
    expect(ok("room.batch_ban")).toBe(1);
    expect(ok("room.batch_delete")).toBe(1);
    expect(ok("room.unban")).toBe(2);
    expect(ok("room.transfer_ownership")).toBe(1);
    expect(ok("room.set_visibility")).toBe(1);
    expect(ok("room.set_password")).toBe(2);
    expect(ok("room.settings_update")).toBe(1);
    expect(ok("room.settings_reset")).toBe(1);
    expect(ok("room.member_set_display")).toBe(1);
    expect(ok("room.member_set_permissions")).toBe(1);
    expect(ok("playlist.update")).toBe(1);
    expect(ok("media.move")).toBe(1);
    expect(ok("media.update")).toBe(1);
  });
});
