import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { RoomEventEnvelope } from "../../infra/db/events/room-event-log.js";
import { RoomEventHub } from "../delivery/room-event-hub.js";
import { RoomFanouts } from "./room-fanout.js";

function envelope(roomSeq: number): RoomEventEnvelope {
  return {
    eventId: `evt-${roomSeq}`,
    scope: "room",
    roomId: 1,
    roomSeq,
    sequence: roomSeq,
    userId: null,
    resourceType: "playback_state",
    resourceId: "1",
    eventType: "playback.updated",
    eventVersion: 1,
    aggregateType: "room",
    aggregateId: "1",
    aggregateVersion: null,
    actorUserId: null,
    payload: null,
    summary: {},
    occurredAt: new Date(0).toISOString(),
  } as RoomEventEnvelope;
}

class Recorder {
  readonly seen: number[] = [];
  accept(e: RoomEventEnvelope): void {
    this.seen.push(e.roomSeq);
  }
}

describe("RoomFanouts", () => {
  it("hands a small room its event at once, inside the hub's delivery", () => {
    const hub = new RoomEventHub();
    const fanouts = new RoomFanouts<Recorder>(hub, () => {}, 4);
    const members = [new Recorder(), new Recorder()];
    for (const m of members) fanouts.join(1, m);
    hub.deliver(envelope(1));
    expect(members.map((m) => m.seen)).toEqual([[1], [1]]);
  });

  it("spreads a large room over turns of the event loop, every member in room order", async () => {
    const hub = new RoomEventHub();
    const fanouts = new RoomFanouts<Recorder>(hub, () => {}, 4);
    const members = Array.from({ length: 10 }, () => new Recorder());
    for (const m of members) fanouts.join(1, m);
    hub.deliver(envelope(1));
    // The first slice only; the second event queues behind the first.
    expect(members.filter((m) => m.seen.length > 0)).toHaveLength(4);
    hub.deliver(envelope(2));
    expect(members.filter((m) => m.seen.length > 0)).toHaveLength(4);
    for (let turn = 0; turn < 10; turn++) await nextTurn();
    for (const m of members) expect(m.seen).toEqual([1, 2]);
  });

  it("reaches the members present when the event arrived; leaving stops the rest", async () => {
    const hub = new RoomEventHub();
    const fanouts = new RoomFanouts<Recorder>(hub, () => {}, 2);
    const early = [new Recorder(), new Recorder(), new Recorder()];
    const leaves = early.map((m) => fanouts.join(1, m));
    hub.deliver(envelope(1));
    const late = new Recorder();
    fanouts.join(1, late);
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    expect(early.map((m) => m.seen)).toEqual([[1], [1], [1]]);
    expect(late.seen).toEqual([]);
    for (const leave of leaves) leave();
    hub.deliver(envelope(2));
    expect(late.seen).toEqual([2]);
    expect(early[0]!.seen).toEqual([1]);
  });

  it("keeps delivering to the others when one member throws, and unsubscribes an empty room", () => {
    let subscriptions = 0;
    const listeners = new Set<(e: RoomEventEnvelope) => void>();
    const hub = {
      subscribe(_roomId: number, listener: (e: RoomEventEnvelope) => void) {
        subscriptions += 1;
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const errors: unknown[] = [];
    const fanouts = new RoomFanouts<Recorder>(hub, (err) => errors.push(err));
    const broken = {
      seen: [],
      accept: () => {
        throw new Error("boom");
      },
    } as unknown as Recorder;
    const fine = new Recorder();
    const leaveBroken = fanouts.join(1, broken);
    const leaveFine = fanouts.join(1, fine);
    for (const l of listeners) l(envelope(1));
    expect(errors).toHaveLength(1);
    expect(fine.seen).toEqual([1]);
    leaveBroken();
    leaveFine();
    expect(listeners.size).toBe(0);
    fanouts.join(1, new Recorder());
    expect(subscriptions).toBe(2);
  });
});
