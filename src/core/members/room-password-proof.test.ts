import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.js";
import { insertRoom, insertUser } from "../../../test/support/fixtures/index.js";
import { ManualClock } from "../../infra/clock.js";
import { roomPasswordCredentials } from "../../infra/db/schema/index.js";
import { createMemoryStore } from "../../infra/store/memory-store.js";
import { BruteForceGuard } from "../abuse/brute-force-guard.js";
import { AppCode, DomainError } from "../errors.js";
import { assertProofCurrent, RoomPasswordProver } from "./room-password-proof.js";

let t: TestDatabase;
let userId: number;
let otherUserId: number;

beforeAll(async () => {
  t = await createTestDatabase();
  userId = (await insertUser(t.database.db)).id;
  otherUserId = (await insertUser(t.database.db)).id;
});
afterAll(async () => t.drop());

/** OPAQUE stand-in: "right" opens every record; counts the (expensive) verifications. */
function setup() {
  const clock = new ManualClock();
  const store = createMemoryStore({ clock });
  const opaque = {
    calls: 0,
    async verifyPassword(_identifier: string, _record: Uint8Array | null, password: string) {
      opaque.calls += 1;
      return password === "right";
    },
  };
  const prover = new RoomPasswordProver(opaque, new BruteForceGuard({ store, fallback: store, clock }));
  return { opaque, prover };
}

async function codeOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 0;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

const IP = { ip: "203.0.113.7" };
const OTHER_IP = { ip: "203.0.113.8" };

describe("RoomPasswordProver", () => {
  it("asks nothing of a room without a password", async () => {
    const { opaque, prover } = setup();
    const room = await insertRoom(t.database.db, { createdBy: userId });
    expect(await prover.prove(t.database.db, room.id, userId, undefined, IP)).toEqual({
      version: null,
      supplied: false,
    });
    expect(opaque.calls).toBe(0);
  });

  it("answers 4005 without a password and 4006 for a wrong one, 2201 once locked, without verifying then", async () => {
    const { opaque, prover } = setup();
    const room = await insertRoom(t.database.db, { createdBy: userId, password: true });
    expect(await codeOf(prover.prove(t.database.db, room.id, userId, undefined, IP))).toBe(
      AppCode.ROOM_PASSWORD_REQUIRED,
    );
    expect(await codeOf(prover.prove(t.database.db, room.id, userId, "", IP))).toBe(AppCode.ROOM_PASSWORD_REQUIRED);
    expect(opaque.calls).toBe(0);
    for (let i = 0; i < 5; i += 1) {
      expect(await codeOf(prover.prove(t.database.db, room.id, userId, "wrong", IP))).toBe(
        AppCode.ROOM_PASSWORD_INVALID,
      );
    }
    expect(await codeOf(prover.prove(t.database.db, room.id, userId, "right", IP))).toBe(AppCode.LOCKED_OUT);
    expect(opaque.calls).toBe(5);
    // (room, IP) is locked for everyone behind that IP; (room, user) for that user from anywhere.
    expect(await codeOf(prover.prove(t.database.db, room.id, otherUserId, "right", IP))).toBe(AppCode.LOCKED_OUT);
    expect(await codeOf(prover.prove(t.database.db, room.id, userId, "right", OTHER_IP))).toBe(AppCode.LOCKED_OUT);
    expect(await codeOf(prover.prove(t.database.db, room.id, otherUserId, "right", OTHER_IP))).toBe(0);
  });

  it("returns the proven credential version; the proof lapses when the password changes", async () => {
    const { prover } = setup();
    const room = await insertRoom(t.database.db, { createdBy: userId, password: true });
    const proof = await prover.prove(t.database.db, room.id, userId, "right", IP);
    expect(proof).toEqual({ version: 1, supplied: true });
    await assertProofCurrent(t.database.db, room.id, proof);
    await t.database.db
      .update(roomPasswordCredentials)
      .set({ passwordVersion: 2 })
      .where(eq(roomPasswordCredentials.roomId, room.id));
    expect(await codeOf(assertProofCurrent(t.database.db, room.id, proof))).toBe(AppCode.ROOM_PASSWORD_INVALID);
    expect(await codeOf(assertProofCurrent(t.database.db, room.id, { version: null, supplied: false }))).toBe(
      AppCode.ROOM_PASSWORD_REQUIRED,
    );
  });
});
