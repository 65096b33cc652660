// JoinRoom under contention (spec 04 §7.1 steps 8 and 11, checklist 7): on real PostgreSQL, concurrent
// joins into a nearly full room admit exactly maxMembers; one user's parallel joins admit it once, and
// its parallel requests in an approval room file one review.
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { roomJoinRequests, roomMembers } from "../../src/infra/db/schema/index.js";
import { describeOnPostgres } from "../support/database.js";
import {
  addStoredMember,
  type MembersNode,
  makeRoom,
  memberEvents,
  mintUser,
  startMembersNode,
  type TestUser,
} from "./members-fixtures.js";

describeOnPostgres("concurrent joins", () => {
  let n: MembersNode;
  let creator: TestUser;

  beforeAll(async () => {
    n = await startMembersNode();
    creator = await mintUser(n);
  });
  afterAll(async () => n.close());

  const memberCount = async (roomId: number) =>
    Number((await n.db.select({ n: count() }).from(roomMembers).where(eq(roomMembers.roomId, roomId)))[0]?.n);

  it("into a nearly full room admit exactly maxMembers", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, settings: { maxMembers: 5 } });
    for (let i = 0; i < 2; i += 1) await addStoredMember(n.db, room.id, (await mintUser(n)).id);
    const joiners = await Promise.all(Array.from({ length: 16 }, () => mintUser(n)));
    const results = await Promise.all(joiners.map((u) => n.room("JoinRoom", { roomId: room.publicId }, u.token)));
    const admitted = results.filter((r) => r.status === 200);
    expect(admitted).toHaveLength(2);
    expect(results.filter((r) => r.errorInfo?.errorCode === 3102)).toHaveLength(14);
    expect(await memberCount(room.id)).toBe(5);
    const events = await memberEvents(n.db, room.id);
    expect(events.map((e) => e.roomSeq)).toEqual([1, 2]);
  });

  it("of one user admit it once with one JOINED event", async () => {
    const room = await makeRoom(n, { createdBy: creator.id });
    const user = await mintUser(n);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => n.room("JoinRoom", { roomId: room.publicId }, user.token)),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await memberCount(room.id)).toBe(2);
    expect((await memberEvents(n.db, room.id)).map((e) => e.eventType)).toEqual(["member.joined"]);
  });

  it("of one user into an approval room file one review", async () => {
    const room = await makeRoom(n, { createdBy: creator.id, settings: { requireApproval: true } });
    const user = await mintUser(n);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        n.room<{ joinReview: { id: string } }>("JoinRoom", { roomId: room.publicId }, user.token),
      ),
    );
    expect(new Set(results.map((r) => r.body.joinReview.id)).size).toBe(1);
    const rows = await n.db.select().from(roomJoinRequests).where(eq(roomJoinRequests.roomId, room.id));
    expect(rows).toHaveLength(1);
  });
});
