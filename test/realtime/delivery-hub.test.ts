import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/infra/clock.js";
import type { RoomEventEnvelope } from "../../src/infra/db/events/room-event-log.js";
import { parseRoomEventEnvelope } from "../../src/realtime/delivery/room-event-bus.js";
import { RoomEventHub } from "../../src/realtime/delivery/room-event-hub.js";

function envelope(roomId: number, roomSeq: number, eventId = `evt-${roomId}-${roomSeq}`): RoomEventEnvelope {
  return {
    eventId,
    scope: "room",
    roomId,
    roomSeq,
    sequence: roomId * 1000 + roomSeq,
    userId: null,
    resourceType: "room_settings",
    resourceId: String(roomId),
    eventType: "room_settings.updated",
    eventVersion: 1,
    aggregateType: "room",
    aggregateId: String(roomId),
    aggregateVersion: null,
    actorUserId: null,
    payload: null,
    summary: {},
    occurredAt: new Date(0).toISOString(),
  };
}

describe("the room event hub", () => {
  it("hands each event to its room's subscribers and to subscribe-all listeners, and stops after unsubscribe", () => {
    const hub = new RoomEventHub();
    const room1: number[] = [];
    const all: string[] = [];
    const off = hub.subscribe(1, (e) => room1.push(e.roomSeq));
    hub.subscribeAll((e) => all.push(e.eventId));
    hub.deliver(envelope(1, 1));
    hub.deliver(envelope(2, 1));
    off();
    hub.deliver(envelope(1, 2));
    expect(room1).toEqual([1]);
    expect(all).toEqual(["evt-1-1", "evt-2-1", "evt-1-2"]);
  });

  it("drops an event id it already delivered (after-commit and bus copies of one event)", () => {
    const hub = new RoomEventHub();
    const heard: number[] = [];
    hub.subscribe(1, (e) => heard.push(e.roomSeq));
    expect(hub.deliver(envelope(1, 1))).toBe(true);
    expect(hub.deliver(envelope(1, 1))).toBe(false);
    expect(hub.deliver(envelope(1, 2))).toBe(true);
    expect(hub.deliver(envelope(1, 1))).toBe(false);
    expect(heard).toEqual([1, 2]);
  });

  it("remembers ids for 10 minutes, then accepts the id again", () => {
    const clock = new ManualClock();
    const hub = new RoomEventHub({ clock });
    expect(hub.deliver(envelope(1, 1))).toBe(true);
    clock.advance(10 * 60_000 - 1);
    expect(hub.deliver(envelope(1, 1))).toBe(false);
    clock.advance(1);
    expect(hub.deliver(envelope(1, 1))).toBe(true);
  });

  it("keeps at most the configured number of ids, forgetting the oldest first", () => {
    const hub = new RoomEventHub({ dedupe: { capacity: 2 } });
    hub.deliver(envelope(1, 1));
    hub.deliver(envelope(1, 2));
    hub.deliver(envelope(1, 3));
    expect(hub.deliver(envelope(1, 3))).toBe(false);
    expect(hub.deliver(envelope(1, 1))).toBe(true);
  });

  it("reports a gap when room_seq jumps: 1, 2, 4 → expected 3, got 4", () => {
    const gaps: [number, number, number, string][] = [];
    const hub = new RoomEventHub({ onGap: (...gap) => gaps.push(gap) });
    const heard: number[] = [];
    hub.subscribe(7, (e) => heard.push(e.roomSeq));
    for (const seq of [1, 2, 4]) hub.deliver(envelope(7, seq));
    expect(gaps).toEqual([[7, 3, 4, "room"]]);
    expect(heard).toEqual([1, 2, 4]);
    expect(hub.lastRoomSeq(7)).toBe(4);
  });

  it("delivers a replayed missing event without moving the cursor back or reporting another gap", () => {
    const gaps: [number, number, number, string][] = [];
    const hub = new RoomEventHub({ onGap: (...gap) => gaps.push(gap) });
    for (const seq of [1, 3, 2, 4]) hub.deliver(envelope(1, seq));
    expect(gaps).toEqual([[1, 2, 3, "room"]]);
    expect(hub.lastRoomSeq(1)).toBe(4);
  });

  it("tracks room_seq per room and starts a room's cursor at the first event it sees", () => {
    const gaps: [number, number, number, string][] = [];
    const hub = new RoomEventHub({ onGap: (...gap) => gaps.push(gap) });
    hub.deliver(envelope(1, 5));
    hub.deliver(envelope(2, 1));
    hub.deliver(envelope(1, 6));
    hub.deliver(envelope(2, 2));
    expect(gaps).toEqual([]);
  });

  it("numbers the chat log apart from the room log: interleaved sequences are not gaps", () => {
    const gaps: [number, number, number, string][] = [];
    const hub = new RoomEventHub({ onGap: (...gap) => gaps.push(gap) });
    hub.deliver(envelope(1, 1));
    hub.deliver({ ...envelope(1, 1), eventId: "chat-1", scope: "chat" });
    hub.deliver(envelope(1, 2));
    hub.deliver({ ...envelope(1, 3), eventId: "chat-3", scope: "chat" });
    expect(gaps).toEqual([[1, 2, 3, "chat"]]);
    expect(hub.lastRoomSeq(1)).toBe(2);
    expect(hub.lastRoomSeq(1, "chat")).toBe(3);
  });

  it("keeps delivering to the other subscribers when one throws", () => {
    const errors: unknown[] = [];
    const hub = new RoomEventHub({ onListenerError: (error) => errors.push(error) });
    const heard: number[] = [];
    hub.subscribe(1, () => {
      throw new Error("boom");
    });
    hub.subscribe(1, (e) => heard.push(e.roomSeq));
    hub.deliver(envelope(1, 1));
    expect(heard).toEqual([1]);
    expect(errors).toHaveLength(1);
  });
});

describe("room events on the bus", () => {
  it("round-trip through JSON and reject messages that are not room events", () => {
    const original = envelope(3, 9);
    expect(parseRoomEventEnvelope(JSON.stringify(original))).toEqual(original);
    expect(() => parseRoomEventEnvelope("[]")).toThrow(TypeError);
    expect(() => parseRoomEventEnvelope(JSON.stringify({ ...original, roomSeq: "9" }))).toThrow(TypeError);
  });
});
