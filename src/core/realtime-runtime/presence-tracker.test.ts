import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../../infra/clock.js";
import { cryptoRandom } from "../../infra/random.js";
import { createMemoryStore, createMemoryStoreState } from "../../infra/store/memory-store.js";
import type { ShortLivedStore } from "../../infra/store/types.js";
import type { OnlineEvent, PresenceIdentity } from "./presence-identity.js";
import { type PresenceConnection, PresenceTracker } from "./presence-tracker.js";
import { ResumeTokens } from "./resume-tokens.js";

/** Resume-window expiries run when the test says so. */
class ManualScheduler {
  readonly #due: { fn: () => void; cancelled: boolean }[] = [];
  readonly schedule = (fn: () => void) => {
    const entry = { fn, cancelled: false };
    this.#due.push(entry);
    return () => {
      entry.cancelled = true;
    };
  };
  fireAll(): void {
    for (const entry of this.#due.splice(0)) if (!entry.cancelled) entry.fn();
  }
}

const ROOM = 7;
const alice: PresenceIdentity = { kind: "user", userId: 1, username: "alice", role: "MEMBER" };
const bob: PresenceIdentity = { kind: "user", userId: 2, username: "bob", role: "ADMIN" };
const guest: PresenceIdentity = { kind: "guest", guestId: "gst_abcd", username: "Guest-ABCD", role: "GUEST" };
let nextConnection = 0;
const conn = (identity: PresenceIdentity, roomId = ROOM): PresenceConnection => ({
  roomId,
  identity,
  connectionId: `c${++nextConnection}`,
});

describe("presence tracker (two nodes on one store)", () => {
  let stores: ShortLivedStore[];
  let scheduler: ManualScheduler;
  let nodeA: PresenceTracker;
  let nodeB: PresenceTracker;
  let heard: OnlineEvent[];
  const summary = () =>
    heard.filter((e) => e.identity.username !== "marker").map((e) => `${e.kind}:${e.identity.username}`);

  const node = (store: ShortLivedStore, nodeId: string) =>
    new PresenceTracker({
      store,
      clock: systemClock,
      nodeId,
      tokens: new ResumeTokens({ store, random: cryptoRandom }, 30_000),
      schedule: scheduler.schedule,
    });

  /** Everything published before the marker has been heard once the marker is (one ordered channel). */
  const settle = async () => {
    const marker = conn({ kind: "guest", guestId: `gst_m${nextConnection}`, username: "marker", role: "GUEST" });
    await nodeB.connect(marker);
    await vi.waitFor(() => expect(heard.some((e) => e.identity.username === "marker")).toBe(true));
    await nodeB.disconnect(marker, nodeB.issueResumeToken());
  };

  beforeEach(async () => {
    const state = createMemoryStoreState();
    stores = [createMemoryStore({ clock: systemClock, state }), createMemoryStore({ clock: systemClock, state })];
    scheduler = new ManualScheduler();
    nodeA = node(stores[0] as ShortLivedStore, "node-a");
    nodeB = node(stores[1] as ShortLivedStore, "node-b");
    await Promise.all([nodeA.start(), nodeB.start()]);
    heard = [];
    await nodeA.subscribe(ROOM, { event: (e) => heard.push(e) });
  });

  afterEach(async () => {
    await Promise.all([nodeA.close(), nodeB.close()]);
    await Promise.all(stores.map((s) => s.close()));
  });

  it("a user with connections on two nodes counts once; guests apart; every connection counted", async () => {
    await nodeA.connect(conn(alice));
    await nodeB.connect(conn(alice));
    await nodeB.connect(conn(guest));
    const counts = await nodeA.counts(ROOM);
    expect(counts).toMatchObject({ onlineMemberCount: 1, onlineGuestCount: 1, connectionCount: 3 });
    expect(await nodeB.counts(ROOM)).toMatchObject({ onlineMemberCount: 1, onlineGuestCount: 1, connectionCount: 3 });
    const view = await nodeB.view(ROOM);
    expect(view.identities.get("u:1")?.connections).toBe(2);
    await settle();
    expect(summary()).toEqual(["JOINED:alice", "JOINED:Guest-ABCD"]);
  });

  it("the last connection closing holds the presence; LEFT only when the window passes", async () => {
    const c = conn(bob);
    await nodeA.connect(c);
    await nodeA.disconnect(c, nodeA.issueResumeToken());
    expect(await nodeB.counts(ROOM)).toMatchObject({ onlineMemberCount: 1, connectionCount: 0 });
    await settle();
    expect(summary()).toEqual(["JOINED:bob"]);

    scheduler.fireAll();
    await vi.waitFor(() => expect(summary()).toEqual(["JOINED:bob", "LEFT:bob"]));
    expect(await nodeB.counts(ROOM)).toMatchObject({ onlineMemberCount: 0, connectionCount: 0 });
  });

  it("a resume token continues the presence on another node: no LEFT, no JOINED", async () => {
    const first = conn(alice);
    const token = nodeA.issueResumeToken();
    await nodeA.connect(first);
    await nodeA.disconnect(first, token);
    expect(await nodeB.connect(conn(alice), token)).toEqual({ resumed: true });
    scheduler.fireAll();
    await settle();
    expect(summary()).toEqual(["JOINED:alice"]);
    expect(await nodeA.counts(ROOM)).toMatchObject({ onlineMemberCount: 1, connectionCount: 1 });
  });

  it("a token is used once", async () => {
    const first = conn(alice);
    const token = nodeA.issueResumeToken();
    await nodeA.connect(first);
    await nodeA.disconnect(first, token);
    expect(await nodeA.connect(conn(alice), token)).toEqual({ resumed: true });
    expect(await nodeA.connect(conn(alice), token)).toEqual({ resumed: false });
  });

  it("reconnecting without the token ends the held presence and starts a new one", async () => {
    const first = conn(alice);
    await nodeA.connect(first);
    await nodeA.disconnect(first, nodeA.issueResumeToken());
    expect(await nodeA.connect(conn(alice))).toEqual({ resumed: false });
    scheduler.fireAll();
    await settle();
    expect(summary()).toEqual(["JOINED:alice", "LEFT:alice", "JOINED:alice"]);
  });

  it("another actor's or another room's token counts as none and is not used up", async () => {
    const first = conn(alice);
    const token = nodeA.issueResumeToken();
    await nodeA.connect(first);
    await nodeA.disconnect(first, token);
    expect(await nodeB.connect(conn(bob), token)).toEqual({ resumed: false });
    expect(await nodeB.connect(conn(alice, ROOM + 1), token)).toEqual({ resumed: false });
    expect(await nodeB.connect(conn(alice), token)).toEqual({ resumed: true });
    await settle();
    expect(summary()).toEqual(["JOINED:alice", "JOINED:bob"]);
  });

  it("no LEFT while the user is still connected on another node", async () => {
    const onA = conn(alice);
    await nodeA.connect(onA);
    await nodeB.connect(conn(alice));
    await nodeA.disconnect(onA, nodeA.issueResumeToken());
    scheduler.fireAll();
    await settle();
    expect(summary()).toEqual(["JOINED:alice"]);
    expect(await nodeA.counts(ROOM)).toMatchObject({ onlineMemberCount: 1, connectionCount: 1 });
  });

  it("count listeners hear changes from every node", async () => {
    const seen: number[] = [];
    const { counts, unsubscribe } = await nodeA.subscribe(ROOM, { counts: (c) => seen.push(c.connectionCount) });
    expect(counts.connectionCount).toBe(0);
    await nodeB.connect(conn(guest));
    await vi.waitFor(() => expect(seen.at(-1)).toBe(1));
    await nodeB.connect(conn(bob));
    await vi.waitFor(() => expect(seen.at(-1)).toBe(2));
    unsubscribe();
  });

  it("a node that stops leaves held presences only for the resume window, and its field expires", async () => {
    const c = conn(bob);
    await nodeA.connect(c);
    await nodeA.close();
    expect(await nodeB.counts(ROOM)).toMatchObject({ onlineMemberCount: 1, connectionCount: 0 });
  });
});
