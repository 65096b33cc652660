// Account deletion and restore (06 §4.8) on the real schema: what each table looks like afterwards,
// the events that end connections, the root/last-admin and already-deleted refusals, all-or-nothing
// batches, restore with and without identity conflicts, and tokens dying through the status check.
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, describeOnPostgres, type TestDatabase } from "../../../test/support/database.js";
import {
  insertMedia,
  insertMember,
  insertPlaylist,
  insertRoom,
  insertUser,
  setPlaying,
  uniqueUsername,
} from "../../../test/support/fixtures/index.js";
import { ManualClock } from "../../infra/clock.js";
import { ObservableWriter } from "../../infra/db/events/observable-writer.js";
import type { AppendedRoomEvent } from "../../infra/db/events/room-event-log.js";
import { ensureChatMessagePartitions } from "../../infra/db/partitions/chat-message-partitions.js";
import { chatMessages } from "../../infra/db/partitions/chat-messages-table.js";
import {
  authEmailIdentities,
  media,
  playlists,
  roomMembers,
  roomMemberVersions,
  roomPlaybackState,
  rooms,
  users,
} from "../../infra/db/schema/index.js";
import { cryptoRandom } from "../../infra/random.js";
import type { Actor } from "../actor.js";
import { AccessVerifier } from "../auth/access-verifier.js";
import { TokenCodec } from "../auth/tokens/token-codec.js";
import { insertChatMessage } from "../chat/chat-message-repository.js";
import { DomainError } from "../errors.js";
import { PublicIdCodec } from "../ids/public-id-codec.js";
import type { GuestAdmission } from "../rooms/guest-admission.js";
import { ACCOUNT_RESTORE_WINDOW_MS, AccountDeletion } from "./account-deletion.js";
import { findUserById } from "./user-repository.js";

const management: Actor = { kind: "management" };
const clock = new ManualClock(Date.now());
let t: TestDatabase;
let accounts: AccountDeletion;
const committed: AppendedRoomEvent[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  await ensureChatMessagePartitions(t.database.db, clock.now(), 2);
  const writer = new ObservableWriter(t.database, { clock });
  writer.onCommitted((events) => committed.push(...events));
  accounts = new AccountDeletion({ database: t.database, writer, clock });
  // Keep an administrator around so the last-admin rule never blocks the other tests.
  await insertUser(t.database.db, { role: "ADMIN" });
}, 60_000);
afterAll(async () => t?.drop());

const db = () => t.database.db;

const outcomeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "OK";
  } catch (error) {
    return error instanceof DomainError ? error.kind : String(error);
  }
};

async function chat(roomId: number, userId: number, content: string) {
  clock.advance(1);
  return t.database.tx((tx) =>
    insertChatMessage(tx, {
      roomId,
      userId,
      clientMessageId: `c${randomBytes(4).toString("hex")}`,
      content,
      messageType: "USER",
      replyTo: null,
      display: null,
      playback: null,
      metadata: { kind: "user" },
      createdAt: new Date(clock.now()),
    }),
  );
}

/** A user who owns a room (with a member and a chat line) and has content in someone else's room. */
async function populated() {
  const email = `${uniqueUsername("mail")}@example.com`;
  const user = await insertUser(db(), { email });
  const friend = await insertUser(db());
  const other = await insertUser(db());
  const owned = await insertRoom(db(), { createdBy: user.id });
  await insertMember(db(), owned.id, friend.id);
  const ownedChat = await chat(owned.id, user.id, "in my own room");
  const elsewhere = await insertRoom(db(), { createdBy: other.id });
  await insertMember(db(), elsewhere.id, user.id);
  const folder = await insertPlaylist(db(), { roomId: elsewhere.id, creatorId: user.id });
  const inner = await insertPlaylist(db(), { roomId: elsewhere.id, creatorId: other.id, parentId: folder.id });
  const othersClip = await insertMedia(db(), { roomId: elsewhere.id, creatorId: other.id, playlistId: folder.id });
  const clip = await insertMedia(db(), { roomId: elsewhere.id, creatorId: user.id });
  await setPlaying(db(), elsewhere.id, clip.id);
  const line = await chat(elsewhere.id, user.id, "hello from elsewhere");
  const othersLine = await chat(elsewhere.id, other.id, "reply");
  return { user, email, friend, other, owned, ownedChat, elsewhere, folder, inner, othersClip, clip, line, othersLine };
}

describe("deleting an account", () => {
  it("soft-deletes the user, its owned rooms, its content elsewhere and its email, and ends memberships", async () => {
    const s = await populated();
    committed.length = 0;
    const outcome = await accounts.deleteUser(management, s.user.id, "asked to leave");
    expect(outcome).toMatchObject({
      deletedRooms: 1,
      removedMemberships: 1,
      deletedPlaylists: 1,
      deletedMedia: 1,
      deletedChatMessages: 1,
      emailReleased: true,
    });
    expect(outcome.user.status).toBe("DELETED");

    const [u] = await db().select().from(users).where(eq(users.id, s.user.id));
    expect(u).toMatchObject({ deletionSource: 2, deletedBy: null, deletionReason: "asked to leave" });
    expect(u?.deletedAt?.getTime()).toBe(clock.now());

    const [room] = await db().select().from(rooms).where(eq(rooms.id, s.owned.id));
    expect(room).toMatchObject({ deletionSource: 1, deletedOwnerId: s.user.id });
    expect(await db().select().from(roomMembers).where(eq(roomMembers.roomId, s.owned.id))).toEqual([]);

    const [folder] = await db().select().from(playlists).where(eq(playlists.id, s.folder.id));
    expect(folder).toMatchObject({ deletionSource: 1, deletedOwnerId: s.user.id });
    const [clip] = await db().select().from(media).where(eq(media.id, s.clip.id));
    expect(clip).toMatchObject({ deletionSource: 1, deletedOwnerId: s.user.id });
    // Others' children of the deleted folder move up to the root and stay live.
    const [inner] = await db().select().from(playlists).where(eq(playlists.id, s.inner.id));
    expect(inner).toMatchObject({ parentId: null, deletedAt: null });
    const [othersClip] = await db().select().from(media).where(eq(media.id, s.othersClip.id));
    expect(othersClip).toMatchObject({ playlistId: null, deletedAt: null });
    // The playing item went, so playback reset.
    const [state] = await db().select().from(roomPlaybackState).where(eq(roomPlaybackState.roomId, s.elsewhere.id));
    expect(state?.playingMediaId).toBeNull();

    const [line] = await db().select().from(chatMessages).where(eq(chatMessages.id, s.line.id));
    expect(line).toMatchObject({
      status: 3,
      content: "hello from elsewhere",
      deletionSource: 1,
      deletedOwnerId: s.user.id,
    });
    const [othersLine] = await db().select().from(chatMessages).where(eq(chatMessages.id, s.othersLine.id));
    expect(othersLine?.status).toBe(1);
    const [ownedChat] = await db().select().from(chatMessages).where(eq(chatMessages.id, s.ownedChat.id));
    expect(ownedChat?.status).toBe(1); // hidden with its room, returns with it

    const [identity] = await db().select().from(authEmailIdentities).where(eq(authEmailIdentities.userId, s.user.id));
    expect(identity).toMatchObject({ deletionSource: 1, deletedOwnerId: s.user.id });
    expect(identity?.deletedAt).not.toBeNull();

    expect(
      await db()
        .select()
        .from(roomMembers)
        .where(and(eq(roomMembers.roomId, s.elsewhere.id), eq(roomMembers.userId, s.user.id))),
    ).toEqual([]);
    const [version] = await db()
      .select()
      .from(roomMemberVersions)
      .where(and(eq(roomMemberVersions.roomId, s.elsewhere.id), eq(roomMemberVersions.userId, s.user.id)));
    expect(version).toMatchObject({ version: 2, isMember: false });

    const types = committed.map((e) => `${e.roomId === s.owned.id ? "owned" : "elsewhere"}:${e.eventType}`);
    expect(types).toEqual(
      expect.arrayContaining([
        "owned:room.deleted",
        "elsewhere:playback.reset",
        "elsewhere:entries.deleted",
        "elsewhere:chat.deleted",
        "elsewhere:member.kicked",
      ]),
    );
  });

  it("frees the username and email for a new account", async () => {
    const email = `${uniqueUsername("free")}@example.com`;
    const user = await insertUser(db(), { email });
    await accounts.deleteUser(management, user.id);
    await insertUser(db(), { username: user.username.toUpperCase(), email: email.toUpperCase() });
  });

  it("refuses an unknown account, an already deleted one, a root, and the last administrator", async () => {
    expect(await outcomeOf(accounts.deleteUser(management, 987_654_321))).toBe("NOT_FOUND");
    const gone = await insertUser(db());
    await accounts.deleteUser(management, gone.id);
    expect(await outcomeOf(accounts.deleteUser(management, gone.id))).toBe("FAILED_PRECONDITION");
    const root = await insertUser(db(), { role: "ROOT" });
    expect(await outcomeOf(accounts.deleteUser(management, root.id))).toBe("FAILED_PRECONDITION");
    await db().update(users).set({ role: 3 }).where(eq(users.id, root.id));

    // With the root demoted, delete admins until one remains: that one is refused.
    const admins = await db().select({ id: users.id, deletedAt: users.deletedAt, role: users.role }).from(users);
    const live = admins.filter((a) => a.deletedAt === null && a.role === 2);
    const [last, ...rest] = live;
    for (const a of rest) await accounts.deleteUser(management, a.id);
    expect(await outcomeOf(accounts.deleteUser(management, last?.id ?? 0))).toBe("FAILED_PRECONDITION");
    for (const a of rest) await accounts.restoreUser(management, a.id, true);
  });

  it("a non-root admin may delete plain users only; a user may delete itself (source account)", async () => {
    const admin = await insertUser(db(), { role: "ADMIN" });
    const otherAdmin = await insertUser(db(), { role: "ADMIN" });
    const plain = await insertUser(db());
    const asAdmin: Actor = {
      kind: "user",
      userId: admin.id,
      role: "ADMIN",
      sessionId: "s",
      tokenId: "t",
      tokenExpiresAt: 0,
    };
    expect(await outcomeOf(accounts.deleteUser(asAdmin, otherAdmin.id))).toBe("PERMISSION_DENIED");
    const asPlain: Actor = { ...asAdmin, userId: plain.id, role: "USER" };
    expect(await outcomeOf(accounts.deleteUser(asPlain, otherAdmin.id))).toBe("PERMISSION_DENIED");
    await accounts.deleteUser(asPlain, plain.id);
    const [row] = await db().select().from(users).where(eq(users.id, plain.id));
    expect(row).toMatchObject({ deletionSource: 1, deletedBy: plain.id });
  });

  it("a batch is all or nothing", async () => {
    const a = await insertUser(db());
    const b = await insertUser(db());
    const gone = await insertUser(db());
    await accounts.deleteUser(management, gone.id);
    expect(await outcomeOf(accounts.deleteUsers(management, [a.id, gone.id, b.id]))).toBe("FAILED_PRECONDITION");
    expect((await findUserById(db(), a.id))?.status).toBe("ACTIVE");
    expect(await outcomeOf(accounts.deleteUsers(management, []))).toBe("INVALID_ARGUMENT");
    const done = await accounts.deleteUsers(management, [a.id, b.id, a.id]);
    expect(done.map((o) => o.user.id)).toEqual([a.id, b.id]);
  });
});

describe("restoring an account", () => {
  it("brings back the user, its email and the rooms its deletion hid, not those deleted independently", async () => {
    const s = await populated();
    const independent = await insertRoom(db(), { createdBy: s.user.id });
    await db().update(rooms).set({ deletedAt: new Date(), deletionSource: 5 }).where(eq(rooms.id, independent.id));
    await accounts.deleteUser(management, s.user.id);
    clock.advance(60_000);
    const restored = await accounts.restoreUser(management, s.user.id, false);
    expect(restored).toMatchObject({ restoredRooms: 1, released: [] });
    expect(restored.user).toMatchObject({ status: "ACTIVE", username: s.user.username, email: s.email });

    const [room] = await db().select().from(rooms).where(eq(rooms.id, s.owned.id));
    expect(room).toMatchObject({ deletedAt: null, deletionSource: null, deletedOwnerId: null });
    const members = await db().select().from(roomMembers).where(eq(roomMembers.roomId, s.owned.id));
    expect(members.map((m) => [m.userId, m.role])).toEqual([[s.user.id, 1]]); // the friend is not re-added
    const [stillGone] = await db().select().from(rooms).where(eq(rooms.id, independent.id));
    expect(stillGone?.deletedAt).not.toBeNull();
    // Content and memberships elsewhere stay deleted.
    const [clip] = await db().select().from(media).where(eq(media.id, s.clip.id));
    expect(clip?.deletedAt).not.toBeNull();
    const [line] = await db().select().from(chatMessages).where(eq(chatMessages.id, s.line.id));
    expect(line?.status).toBe(3);
    expect(
      await db()
        .select()
        .from(roomMembers)
        .where(and(eq(roomMembers.roomId, s.elsewhere.id), eq(roomMembers.userId, s.user.id))),
    ).toEqual([]);
    const [u] = await db().select().from(users).where(eq(users.id, s.user.id));
    expect(u?.restoredAt?.getTime()).toBe(clock.now());
  });

  it("refuses taken identities unless told to ignore them, then renames and releases", async () => {
    const email = `${uniqueUsername("taken")}@example.com`;
    const user = await insertUser(db(), { email });
    await accounts.deleteUser(management, user.id);
    await insertUser(db(), { username: user.username, email });

    const refused = await accounts.restoreUser(management, user.id, false).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).kind).toBe("ALREADY_EXISTS");
    expect((refused as DomainError).fieldViolations.map((v) => v.field)).toEqual(["username", "email"]);
    expect((await findUserById(db(), user.id))?.status).toBe("DELETED");

    const restored = await accounts.restoreUser(management, user.id, true);
    expect(restored.user).toMatchObject({ status: "ACTIVE", username: `restored_${user.id}`, email: null });
    expect(restored.released).toEqual([
      { kind: "USERNAME", value: user.username },
      { kind: "EMAIL", value: email },
    ]);
  });

  it("refuses a live account, an unknown one, and one past the retention window", async () => {
    const live = await insertUser(db());
    expect(await outcomeOf(accounts.restoreUser(management, live.id, false))).toBe("FAILED_PRECONDITION");
    expect(await outcomeOf(accounts.restoreUser(management, 987_654_321, false))).toBe("NOT_FOUND");
    await accounts.deleteUser(management, live.id);
    clock.advance(ACCOUNT_RESTORE_WINDOW_MS + 1);
    expect(await outcomeOf(accounts.restoreUser(management, live.id, false))).toBe("FAILED_PRECONDITION");
  });

  it("resolves a deleted account by username or email for restore", async () => {
    const email = `${uniqueUsername("find")}@example.com`;
    const user = await insertUser(db(), { email });
    await accounts.deleteUser(management, user.id);
    expect((await accounts.resolveDeleted({ kind: "username", username: user.username })).id).toBe(user.id);
    expect((await accounts.resolveDeleted({ kind: "email", email: email.toUpperCase() })).id).toBe(user.id);
    expect(await outcomeOf(accounts.resolveDeleted({ kind: "username", username: "nobody_at_all" }))).toBe("NOT_FOUND");
  });
});

describe("tokens of a deleted account", () => {
  it("are rejected by the status check after delete and accepted again after restore", async () => {
    const ids = new PublicIdCodec("account-deletion-test-ids");
    const tokens = new TokenCodec({
      secret: `jwt-${randomBytes(24).toString("base64url")}`,
      issuer: "",
      audience: "",
      accessTtlSeconds: 3600,
      refreshTtlSeconds: 86_400,
      guestTtlSeconds: 3600,
      leewaySeconds: 60,
      clock: { now: () => Date.now() },
      random: cryptoRandom,
    });
    const verifier = new AccessVerifier({ database: t.database, tokens, ids, guests: {} as GuestAdmission });
    clock.set(Date.now());
    const user = await insertUser(db());
    const account = await findUserById(db(), user.id);
    const { token } = await tokens.issueAccess({
      userPublicId: ids.encode("usr", user.id),
      sid: `sid-${randomBytes(8).toString("hex")}`,
      pv: account?.passwordVersion ?? 0,
      cbm: "password",
    });
    expect(await verifier.actorForToken(token)).toMatchObject({ kind: "user", userId: user.id });
    await accounts.deleteUser(management, user.id);
    expect(await outcomeOf(verifier.actorForToken(token))).toBe("UNAUTHENTICATED");
    await accounts.restoreUser(management, user.id, false);
    expect(await verifier.actorForToken(token)).toMatchObject({ kind: "user", userId: user.id });
  });
});

describeOnPostgres("concurrent deletions", () => {
  it("deleting the last two administrators at once leaves one: the role lock decides", async () => {
    const fresh = await createTestDatabase();
    try {
      const service = new AccountDeletion({
        database: fresh.database,
        writer: new ObservableWriter(fresh.database, { clock }),
        clock,
      });
      const a = await insertUser(fresh.database.db, { role: "ADMIN" });
      const b = await insertUser(fresh.database.db, { role: "ADMIN" });
      const outcomes = await Promise.all([a, b].map((u) => outcomeOf(service.deleteUser(management, u.id))));
      expect(outcomes.sort()).toEqual(["FAILED_PRECONDITION", "OK"]);
    } finally {
      await fresh.drop();
    }
  });
});
