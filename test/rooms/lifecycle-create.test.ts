// CreateRoom through the API (spec 04 §2.2, §10 item 1): the switch (4012), quota (3103), per-owner
// name uniqueness (2102, other users may reuse a name), the password policy (3110), settings overlay,
// the creator's full permission set, and the one `room.created` event.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_PERMISSIONS } from "../../src/core/permissions/index.js";
import { roomPasswordCredentials, roomSettings } from "../../src/infra/db/schema/index.js";
import type { TestAccount } from "../support/accounts.js";
import {
  createRoom,
  eventsOf,
  expectCode,
  type Json,
  type RoomsNode,
  rpc,
  setRuntimeSetting,
  startRoomsNode,
  TEST_ROOM_QUOTA,
  users,
} from "./lifecycle-harness.js";

let n: RoomsNode;
let alice: TestAccount;
let bob: TestAccount;

beforeAll(async () => {
  n = await startRoomsNode();
  alice = await users(n, "alice");
  bob = await users(n, "bob");
});
afterAll(async () => n?.close());

describe("CreateRoom", () => {
  it("creates a public room with default settings; the creator holds all 21 permissions", async () => {
    const created = await createRoom(n, alice, { name: "  Movie night  ", description: "popcorn" });
    expect(created.room).toMatchObject({
      name: "Movie night",
      description: "popcorn",
      isPublic: true,
      createdBy: alice.publicId,
      memberCount: 1,
      creator: { username: alice.username },
      settings: { maxMembers: "100", allowAutoJoin: true, chatEnabled: true, autoPlay: { enabled: true, delay: 3 } },
    });
    expect(created.room).not.toHaveProperty("hasPassword");

    const got = await rpc<{ effectivePermissions: string; selfMember: Json }>(
      n,
      "GetRoom",
      { roomId: created.id },
      alice.accessToken,
    );
    expect(got.status).toBe(200);
    expect(BigInt(got.body.effectivePermissions)).toBe(ALL_PERMISSIONS);
    expect(got.body.selfMember).toMatchObject({ role: "ROOM_MEMBER_ROLE_CREATOR", username: alice.username });

    const events = await eventsOf(n, created.roomId);
    expect(events.map((e) => e.eventType)).toEqual(["room.created"]);
    expect(events[0]?.roomSeq).toBe(1);
  });

  it("overlays the request's settings on the defaults; the creator may set admin deltas", async () => {
    const created = await createRoom(n, alice, {
      isPublic: false,
      settings: { maxMembers: "5", autoPlay: { mode: "PLAY_MODE_SHUFFLE" }, adminAddedPermissions: String(1n << 18n) },
    });
    expect(created.room).toMatchObject({
      settings: { maxMembers: "5", autoPlay: { enabled: true, mode: "PLAY_MODE_SHUFFLE", delay: 3 } },
    });
    expect(created.room.isPublic ?? false).toBe(false);
    const [row] = await n.t.database.db.select().from(roomSettings).where(eq(roomSettings.roomId, created.roomId));
    expect(row?.settings).toMatchObject({ maxMembers: 5, adminAddedPermissions: String(1n << 18n) });
  });

  it("rejects invalid settings (undefined delta bits 3000, maxMembers above 10 000) and blank names", async () => {
    expectCode(
      await rpc(
        n,
        "CreateRoom",
        { name: "bits", settings: { memberAddedPermissions: String(1n << 40n) } },
        alice.accessToken,
      ),
      3000,
    );
    expectCode(await rpc(n, "CreateRoom", { name: "big", settings: { maxMembers: "10001" } }, alice.accessToken), 3000);
    expectCode(await rpc(n, "CreateRoom", { name: "   " }, alice.accessToken), 3000);
    expectCode(await rpc(n, "CreateRoom", { name: "a<b" }, alice.accessToken), 3000);
  });

  it("a name is unique per owner (2102), but another user may reuse it", async () => {
    await createRoom(n, alice, { name: "Shared name" });
    expectCode(await rpc(n, "CreateRoom", { name: "Shared name" }, alice.accessToken), 2102);
    expectCode(await rpc(n, "CreateRoom", { name: "  Shared name " }, alice.accessToken), 2102);
    await createRoom(n, bob, { name: "Shared name" });
  });

  it("stores a creation password only as an OPAQUE record", async () => {
    const created = await createRoom(n, alice, { password: "open sesame" });
    expect(created.room.hasPassword).toBe(true);
    const [row] = await n.t.database.db
      .select()
      .from(roomPasswordCredentials)
      .where(eq(roomPasswordCredentials.roomId, created.roomId));
    expect(row?.enabled).toBe(true);
    expect(row?.passwordVersion).toBe(1);
    expect(Buffer.from(row?.opaqueCredentialIdentifier ?? []).toString()).toBe(`room-password:${created.id}`);
    expect(Buffer.from(row?.opaqueRecord ?? []).toString("latin1")).not.toContain("open sesame");
  });

  it("guests and anonymous callers cannot create rooms", async () => {
    expectCode(await rpc(n, "CreateRoom", { name: "anon" }), 1000);
  });

  describe("runtime switches", () => {
    it("creation disabled → 4012", async () => {
      await setRuntimeSetting(n, "roomCreation.enabled", false);
      try {
        expectCode(await rpc(n, "CreateRoom", { name: "nope" }, bob.accessToken), 4012);
      } finally {
        await setRuntimeSetting(n, "roomCreation.enabled", true);
      }
      await createRoom(n, bob, { name: "back on" });
    });

    it("password policy REQUIRED and FORBIDDEN → 3110", async () => {
      await setRuntimeSetting(n, "roomCreation.passwordPolicy", "required");
      try {
        expectCode(await rpc(n, "CreateRoom", { name: "no password" }, bob.accessToken), 3110);
        await createRoom(n, bob, { name: "with password", password: "abcd" });
      } finally {
        await setRuntimeSetting(n, "roomCreation.passwordPolicy", "forbidden");
      }
      try {
        expectCode(await rpc(n, "CreateRoom", { name: "pw", password: "abcd" }, bob.accessToken), 3110);
        await createRoom(n, bob, { name: "without password" });
      } finally {
        await setRuntimeSetting(n, "roomCreation.passwordPolicy", "optional");
      }
    });

    it("the quota counts live rooms → 3103", async () => {
      const carol = await users(n, "carol");
      await setRuntimeSetting(n, "roomCreation.maxRoomsPerUser", 2);
      try {
        const first = await createRoom(n, carol);
        await createRoom(n, carol);
        expectCode(await rpc(n, "CreateRoom", { name: "third" }, carol.accessToken), 3103);
        expect((await rpc(n, "DeleteRoom", { roomId: first.id }, carol.accessToken)).status).toBe(200);
        await createRoom(n, carol, { name: "third" });
      } finally {
        await setRuntimeSetting(n, "roomCreation.maxRoomsPerUser", TEST_ROOM_QUOTA);
      }
    });
  });
});
