import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.js";
import {
  bumpGuestVersion,
  dummyOpaqueCredential,
  expectCheckViolation,
  expectRestrictViolation,
  expectUniqueViolation,
  insertRoom,
  insertUser,
} from "../../../test/support/fixtures/index.js";
import {
  type JsonObject,
  roomBans,
  roomJoinRequests,
  roomMemberKickCooldowns,
  roomMembers,
  roomMemberVersions,
  roomPasswordCredentials,
  roomSettings,
  rooms,
  users,
} from "./schema/index.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

const db = () => t.database.db;

async function roomWithMember() {
  const owner = await insertUser(db());
  const member = await insertUser(db());
  const room = await insertRoom(db(), { createdBy: owner.id });
  return { owner, member, room };
}

describe("rooms table", () => {
  it("starts a room public, open, at guest_version 1 and version 1", async () => {
    const owner = await insertUser(db());
    const { id } = await insertRoom(db(), { createdBy: owner.id });
    const [row] = await db().select().from(rooms).where(eq(rooms.id, id));
    expect(row).toMatchObject({ isPublic: true, closedAt: null, guestVersion: 1, version: 1, description: "" });
  });

  it("rejects a blank name and a second live room of one creator with the same name", async () => {
    const owner = await insertUser(db());
    await expectCheckViolation(
      () => db().insert(rooms).values({ name: "   ", createdBy: owner.id }),
      "rooms_name_not_blank",
    );
    const first = await insertRoom(db(), { createdBy: owner.id, name: "Movie night" });
    await expectUniqueViolation(
      () => db().insert(rooms).values({ name: "Movie night", createdBy: owner.id }),
      "rooms_creator_name_live_key",
    );
    await db().update(rooms).set({ deletedAt: new Date(), deletionSource: 1 }).where(eq(rooms.id, first.id));
    await insertRoom(db(), { createdBy: owner.id, name: "Movie night" });
  });

  it("keeps a creator with live rooms from being hard-deleted", async () => {
    const owner = await insertUser(db());
    await insertRoom(db(), { createdBy: owner.id });
    await expectRestrictViolation(
      () => db().delete(users).where(eq(users.id, owner.id)),
      "rooms_created_by_users_id_fk",
    );
  });

  it("bumps guest_version through the fixture", async () => {
    const owner = await insertUser(db());
    const { id } = await insertRoom(db(), { createdBy: owner.id });
    expect(await bumpGuestVersion(db(), id)).toBe(2);
    expect(await bumpGuestVersion(db(), id)).toBe(3);
  });
});

describe("room_settings", () => {
  it("stores allowGuestJoin in the settings object and refuses a non-object document", async () => {
    const owner = await insertUser(db());
    const { id } = await insertRoom(db(), { createdBy: owner.id, allowGuestJoin: true });
    const [row] = await db().select().from(roomSettings).where(eq(roomSettings.roomId, id));
    expect(row?.settings).toEqual({ allowGuestJoin: true });
    await expectCheckViolation(
      () =>
        db()
          .update(roomSettings)
          .set({ settings: sql.raw(`'"x"'::jsonb`) as unknown as JsonObject })
          .where(eq(roomSettings.roomId, id)),
      "room_settings_settings_object",
    );
  });
});

describe("room_members", () => {
  it("rejects a second creator in one room", async () => {
    const { member, room } = await roomWithMember();
    await expectUniqueViolation(
      () => db().insert(roomMembers).values({ roomId: room.id, userId: member.id, role: 1 }),
      "room_members_one_creator_key",
    );
  });

  it("rejects a role outside creator/admin/member and negative permission masks", async () => {
    const { member, room } = await roomWithMember();
    await expectCheckViolation(
      () => db().insert(roomMembers).values({ roomId: room.id, userId: member.id, role: 4 }),
      "room_members_role_range",
    );
    await expectCheckViolation(
      () => db().insert(roomMembers).values({ roomId: room.id, userId: member.id, addedPermissions: -1n }),
      "room_members_permissions_non_negative",
    );
  });

  it("round-trips permission bits above 2^32 as bigint", async () => {
    const { member, room } = await roomWithMember();
    const mask = (1n << 35n) | 1n;
    await db().insert(roomMembers).values({ roomId: room.id, userId: member.id, addedPermissions: mask });
    const [row] = await db()
      .select()
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, room.id), eq(roomMembers.userId, member.id)));
    expect(row?.addedPermissions).toBe(mask);
  });

  it("gives the fixture room exactly its creator as member, with a membership version", async () => {
    const { owner, room } = await roomWithMember();
    const members = await db().select().from(roomMembers).where(eq(roomMembers.roomId, room.id));
    expect(members).toEqual([expect.objectContaining({ userId: owner.id, role: 1 })]);
    const versions = await db().select().from(roomMemberVersions).where(eq(roomMemberVersions.roomId, room.id));
    expect(versions).toEqual([expect.objectContaining({ userId: owner.id, version: 1, isMember: true })]);
  });
});

describe("room_join_requests", () => {
  it("allow one pending request per user and room, and a new one once it is reviewed", async () => {
    const { owner, member, room } = await roomWithMember();
    const [first] = await db().insert(roomJoinRequests).values({ roomId: room.id, userId: member.id }).returning();
    await expectUniqueViolation(
      () => db().insert(roomJoinRequests).values({ roomId: room.id, userId: member.id }),
      "room_join_requests_pending_key",
    );
    await db()
      .update(roomJoinRequests)
      .set({ status: 3, reviewedAt: new Date(), reviewedBy: owner.id, rejectionReason: "not now" })
      .where(eq(roomJoinRequests.id, first?.id ?? 0));
    await db().insert(roomJoinRequests).values({ roomId: room.id, userId: member.id });
  });

  it("reject a reviewed status without reviewed_at, and a request for the creator role", async () => {
    const { member, room } = await roomWithMember();
    await expectCheckViolation(
      () => db().insert(roomJoinRequests).values({ roomId: room.id, userId: member.id, status: 2 }),
      "room_join_requests_pending_unreviewed",
    );
    await expectCheckViolation(
      () => db().insert(roomJoinRequests).values({ roomId: room.id, userId: member.id, requestedRole: 1 }),
      "room_join_requests_requested_role_range",
    );
  });
});

describe("room_member_kick_cooldowns", () => {
  it("accept 1 s to 30 days and reject anything outside", async () => {
    const { member, room } = await roomWithMember();
    const startsAt = new Date(Date.UTC(2026, 0, 1));
    const at = (ms: number) => ({
      roomId: room.id,
      userId: member.id,
      startsAt,
      endsAt: new Date(startsAt.getTime() + ms),
    });
    await db()
      .insert(roomMemberKickCooldowns)
      .values([at(1000), at(30 * 86_400_000)]);
    await expectCheckViolation(
      () => db().insert(roomMemberKickCooldowns).values(at(999)),
      "room_member_kick_cooldowns_window",
    );
    await expectCheckViolation(
      () =>
        db()
          .insert(roomMemberKickCooldowns)
          .values(at(30 * 86_400_000 + 1)),
      "room_member_kick_cooldowns_window",
    );
  });
});

describe("room_bans", () => {
  it("reject an end before the start, and keep a banned room from being hard-deleted", async () => {
    const owner = await insertUser(db());
    const room = await insertRoom(db(), { createdBy: owner.id, banned: true });
    await expectCheckViolation(
      () =>
        db()
          .insert(roomBans)
          .values({ roomId: room.id, endsAt: new Date(0) }),
      "room_bans_window",
    );
    await expectRestrictViolation(
      () => db().delete(rooms).where(eq(rooms.id, room.id)),
      "room_bans_room_id_rooms_id_fk",
    );
  });
});

describe("room_password_credentials", () => {
  it("reject an enabled password without OPAQUE material", async () => {
    const owner = await insertUser(db());
    const room = await insertRoom(db(), { createdBy: owner.id });
    await expectCheckViolation(
      () => db().insert(roomPasswordCredentials).values({ roomId: room.id, enabled: true }),
      "room_password_credentials_enabled_has_material",
    );
  });

  it("reject a half-written OPAQUE group, but keep a cleared (disabled, empty) row", async () => {
    const owner = await insertUser(db());
    const room = await insertRoom(db(), { createdBy: owner.id });
    const { opaqueRecord } = dummyOpaqueCredential();
    await expectCheckViolation(
      () => db().insert(roomPasswordCredentials).values({ roomId: room.id, opaqueRecord }),
      "room_password_credentials_opaque_all_or_none",
    );
    await db().insert(roomPasswordCredentials).values({ roomId: room.id, enabled: false, passwordVersion: 3 });
  });

  it("is created enabled by the fixture's password switch and removed with a hard-deleted room", async () => {
    const owner = await insertUser(db());
    const room = await insertRoom(db(), { createdBy: owner.id, password: true });
    const [row] = await db().select().from(roomPasswordCredentials).where(eq(roomPasswordCredentials.roomId, room.id));
    expect(row).toMatchObject({ enabled: true, passwordVersion: 1 });
    await db().delete(rooms).where(eq(rooms.id, room.id));
    expect(
      await db().select().from(roomPasswordCredentials).where(eq(roomPasswordCredentials.roomId, room.id)),
    ).toEqual([]);
  });
});
