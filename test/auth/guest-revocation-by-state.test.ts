// Guest tokens also stop working when the room is banned or closed, or guests are switched off
// globally (spec 04 §6). Those changes are written by AdminService / runtime-settings edits (P2);
// the per-use admission check must refuse the token at once, whoever changed the row.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roomBans, rooms, settings } from "../../src/infra/db/schema/index.js";
import { idCodecOf, signUp } from "../support/accounts.js";
import { callJson } from "../support/connect-json.js";
import { insertRoom } from "../support/fixtures/index.js";
import { startTestNode, type TestNode } from "../support/node-harness.js";

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode({
    SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_AUTH: "1000",
    SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_GUEST: "1000",
  });
});
afterAll(async () => t.close());

async function guestInNewRoom() {
  const owner = await signUp(t, "gr-owner");
  const room = await insertRoom(t.database.db, { createdBy: owner.userId, isPublic: true, allowGuestJoin: true });
  const r = await callJson<{ token: string }>(t.baseUrl, "synctv.v1.AuthService/CreateGuestToken", {
    roomId: idCodecOf(t).encode("room", room.id),
  });
  expect(r.status).toBe(200);
  return { roomId: room.id, token: r.body.token };
}

/** A guest token on a `user` RPC: 4008 while valid, 1004 once revoked. */
const probe = async (token: string) =>
  (await callJson(t.baseUrl, "synctv.v1.UserService/GetProfile", {}, token)).errorInfo?.errorCode;

describe("guest tokens die with the room's state", () => {
  it("when the room is banned", async () => {
    const g = await guestInNewRoom();
    expect(await probe(g.token)).toBe(4008);
    await t.database.db.insert(roomBans).values({ roomId: g.roomId, reason: "test" });
    expect(await probe(g.token)).toBe(1004);
  });

  it("when the room is closed", async () => {
    const g = await guestInNewRoom();
    expect(await probe(g.token)).toBe(4008);
    await t.database.db.update(rooms).set({ closedAt: new Date() }).where(eq(rooms.id, g.roomId));
    expect(await probe(g.token)).toBe(1004);
  });

  it("when guests are switched off for the whole server", async () => {
    const g = await guestInNewRoom();
    expect(await probe(g.token)).toBe(4008);
    await t.database.db
      .update(settings)
      .set({ value: { v: false } })
      .where(eq(settings.key, "user.enableGuest"));
    // The node reloads its settings snapshot on the change notification (08 §5).
    let code: number | undefined;
    for (let i = 0; i < 100 && code !== 1004; i++) {
      code = await probe(g.token);
      if (code !== 1004) await new Promise((r) => setTimeout(r, 50));
    }
    expect(code).toBe(1004);
    await t.database.db
      .update(settings)
      .set({ value: { v: true } })
      .where(eq(settings.key, "user.enableGuest"));
  });
});
