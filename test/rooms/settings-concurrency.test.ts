// Optimistic concurrency of room settings on real PostgreSQL (spec 02 §2.7, 06 §4.1): two writers
// guarded by the same expected_version — exactly one wins, the other gets ABORTED 2003; unguarded
// writers all land through the compare-and-swap retry, each with its own version and event.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TestAccount } from "../support/accounts.js";
import { describeOnPostgres } from "../support/database.js";
import { createRoom, eventsOf, type RoomsNode, rpc, startRoomsNode, users } from "./lifecycle-harness.js";

describeOnPostgres("room settings under concurrent writers", () => {
  let n: RoomsNode;
  let owner: TestAccount;

  beforeAll(async () => {
    n = await startRoomsNode();
    owner = await users(n, "owner");
  });
  afterAll(async () => n?.close());

  it("two updates with the same expected_version: one succeeds, the other is ABORTED 2003", async () => {
    for (let round = 0; round < 5; round++) {
      const room = await createRoom(n, owner);
      const write = (maxMembers: string) =>
        rpc(
          n,
          "UpdateRoomSettings",
          { roomId: room.id, settings: { maxMembers }, updateMask: "maxMembers", expectedVersion: "1" },
          owner.accessToken,
        );
      const results = await Promise.all([write("11"), write("22")]);
      const codes = results.map((r) => r.errorInfo?.errorCode ?? r.status).sort();
      expect(codes).toEqual([200, 2003]);
      const loser = results.find((r) => r.status !== 200);
      expect(loser?.status).toBe(409);
      expect(loser?.errorInfo?.metadata.current_version).toBe("2");
      expect((await eventsOf(n, room.roomId)).map((e) => e.eventType)).toEqual(["room.created", "settings.updated"]);
    }
  });

  it("the same race through the core: two parallel calls, exactly one winner", async () => {
    const room = await createRoom(n, owner);
    const actor = {
      kind: "user",
      userId: owner.userId,
      role: "USER",
      sessionId: "s",
      tokenId: "t",
      tokenExpiresAt: 0,
    } as const;
    const outcomes = await Promise.allSettled([
      n.lifecycle.settings.update(actor, room.roomId, { chatEnabled: false }, ["chat_enabled"], 1),
      n.lifecycle.settings.update(actor, room.roomId, { chatEnabled: true }, ["chat_enabled"], 1),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === "rejected");
    expect(rejected?.status === "rejected" && rejected.reason).toMatchObject({ kind: "CONFLICT", code: 2003 });
  });

  it("unguarded concurrent writers all land: versions 2…N+1, one event each", async () => {
    const room = await createRoom(n, owner);
    const writers = 4;
    const results = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        rpc<{ version: string }>(
          n,
          "UpdateRoomSettings",
          { roomId: room.id, settings: { maxMembers: String(10 + i) }, updateMask: "maxMembers" },
          owner.accessToken,
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(writers).fill(200));
    expect(results.map((r) => Number(r.body.version)).sort()).toEqual([2, 3, 4, 5]);
    const events = await eventsOf(n, room.roomId);
    expect(events.map((e) => e.roomSeq)).toEqual([1, 2, 3, 4, 5]);
  });

  it("concurrent creations with one name by one owner: exactly one room, the other 2102", async () => {
    const results = await Promise.all(
      [0, 1, 2].map(() => rpc(n, "CreateRoom", { name: "Race night" }, owner.accessToken)),
    );
    const codes = results.map((r) => r.errorInfo?.errorCode ?? r.status).sort();
    expect(codes).toEqual([200, 2102, 2102]);
  });
});
