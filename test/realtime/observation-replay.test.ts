// The observation handler's ordering guarantees (spec 03 §2), driven deterministically: a real
// RoomEventHub delivers events while a durable replay or a snapshot read is still in flight, and the
// connection must see every entry exactly once, in room_seq order; a viewer refresh lands before the
// event that caused it is delivered; room events terminate connections that observe nothing.
import { describe, expect, it } from "vitest";
import { RealtimeTerminationCode, type ServerMessage } from "../../gen/synctv/v1/realtime_pb.js";
import { AppCode, defaultAppCode, permissionDenied } from "../../src/core/errors.js";
import { has, maskOf } from "../../src/core/permissions/index.js";
import type { TicketActor } from "../../src/core/realtime/websocket-tickets.js";
import type { RoomContext } from "../../src/core/rooms/room-access.js";
import type { RoomEventEnvelope } from "../../src/infra/db/events/room-event-log.js";
import { RoomEventHub } from "../../src/realtime/delivery/room-event-hub.js";
import type { ResourceDefinition } from "../../src/realtime/observation/resource-definition.js";
import { RoomObservations } from "../../src/realtime/observation/room-observations.js";
import type { ObservingConnection } from "../../src/realtime/observation-handler.js";

const ROOM = 7;
const USER = 42;
const actor: TicketActor = {
  kind: "user",
  userId: USER,
  role: "USER",
  sessionId: "s",
  tokenId: "t",
  tokenExpiresAt: Number.MAX_SAFE_INTEGER,
};

let nextEventId = 0;
function envelope(roomSeq: number, resourceType: string, extra: Partial<RoomEventEnvelope> = {}): RoomEventEnvelope {
  nextEventId += 1;
  return {
    eventId: `00000000-0000-7000-8000-${String(nextEventId).padStart(12, "0")}`,
    scope: "room",
    roomId: ROOM,
    roomSeq,
    sequence: roomSeq,
    userId: null,
    resourceType,
    resourceId: null,
    eventType: `${resourceType}.changed`,
    eventVersion: 1,
    aggregateType: resourceType,
    aggregateId: String(ROOM),
    aggregateVersion: null,
    actorUserId: null,
    payload: null,
    summary: {},
    occurredAt: new Date(0).toISOString(),
    ...extra,
  };
}

/** A gate the test opens: lets an awaited read finish only after the test injected live events. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** The room gate's answer for the viewer; the test swaps it to model a permission change. */
class ViewerGate {
  effective = maskOf("admin", ["view_members"]);
  refusal: Error | null = null;
  reads = 0;
  enter = async (): Promise<RoomContext> => {
    this.reads += 1;
    if (this.refusal) throw this.refusal;
    return {
      state: { id: ROOM },
      actor,
      role: "MEMBER",
      member: null,
      effective: this.effective,
    } as unknown as RoomContext;
  };
}

class Connection implements ObservingConnection {
  constructor(readonly connectionId = "c1") {}
  readonly actor = actor;
  readonly roomId = ROOM;
  readonly sent: ServerMessage[] = [];
  send(message: ServerMessage): void {
    this.sent.push(message);
  }
  /** What reached the client for one observation: observed / event sequence / error code. */
  trace(observeId: string): string[] {
    return this.sent.flatMap((m) => {
      const v = m.message.value as { observeId?: string };
      if (v?.observeId !== observeId) return [];
      if (m.message.case === "resourceObserved") return [`observed:${m.message.value.cursor?.sequence}`];
      if (m.message.case === "resourceEvent") return [`event:${m.message.value.cursor?.sequence}`];
      if (m.message.case === "resourceObserveError") return [`error:${m.message.value.error?.code}`];
      return [];
    });
  }
}

/** A durable log kept in memory, answering through a gate the test controls. */
function memoryLog(entries: RoomEventEnvelope[], readGate: Promise<void>): ResourceDefinition {
  return {
    kind: "durable",
    resource: "roomMemberEvents",
    scope: "room",
    authorize(viewer) {
      if (!has(viewer.effective, "view_members")) throw permissionDenied("Missing room permission");
    },
    afterSequence: (params) => Number((params as { afterEventSequence: bigint }).afterEventSequence),
    matches: (e) => e.resourceType === "room_member",
    async replay(_roomId, after, limit) {
      const page = entries.filter((e) => e.roomSeq > after).slice(0, limit);
      await readGate;
      return { kind: "events", envelopes: page, more: page.length === limit };
    },
    async toPayload(e) {
      return {
        case: "roomMemberEvent",
        value: { sequence: BigInt(e.roomSeq) } as never,
      };
    },
  } as ResourceDefinition;
}

function observeMembers(after: number, observeId = "m") {
  return {
    $typeName: "synctv.v1.ObserveResource",
    observeId,
    deliveryMode: 0,
    resource: {
      case: "roomMemberEvents",
      value: { $typeName: "synctv.v1.RoomMemberEventsObservation", afterEventSequence: BigInt(after) },
    },
  } as never;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe("durable replay meets live delivery", () => {
  it("events committed while the replay is read are delivered once, after it, in room_seq order", async () => {
    const hub = new RoomEventHub();
    const log = [1, 2, 3].map((seq) => envelope(seq, "room_member"));
    const read = gate();
    const observations = new RoomObservations({
      hub,
      access: new ViewerGate(),
      resources: [memoryLog(log, read.opened)],
      onUnexpected: (err) => {
        throw err;
      },
    });
    const connection = new Connection();
    const observing = observations.observe(connection, observeMembers(1));
    await settle();
    // While the log read is in flight: seq 3 (also in the replay), another resource's seq 4, then 5.
    hub.deliver(log[2] as RoomEventEnvelope);
    hub.deliver(envelope(4, "playback_state"));
    const five = envelope(5, "room_member");
    hub.deliver(five);
    await settle();
    expect(connection.trace("m")).toEqual([]);
    read.open();
    await observing;
    await settle();
    hub.deliver(envelope(6, "room_member"));
    hub.deliver(five); // a redelivery (e.g. via the bus) is dropped by the hub or the observation
    await settle();
    expect(connection.trace("m")).toEqual(["observed:3", "event:2", "event:3", "event:5", "event:6"]);
  });

  it("the viewer is refreshed before the event that changed it: a lost permission ends the observation first", async () => {
    const hub = new RoomEventHub();
    const viewer = new ViewerGate();
    const read = gate();
    read.open();
    const observations = new RoomObservations({
      hub,
      access: viewer,
      resources: [memoryLog([], read.opened)],
      onUnexpected: (err) => {
        throw err;
      },
    });
    const connection = new Connection();
    await observations.observe(connection, observeMembers(0));
    hub.deliver(envelope(1, "room_member", { userId: 99, eventType: "member.joined" }));
    await settle();
    viewer.effective = 0n;
    hub.deliver(envelope(2, "room_member", { userId: USER, eventType: "member.permission_changed" }));
    hub.deliver(envelope(3, "room_member", { userId: 99, eventType: "member.left" }));
    await settle();
    expect(connection.trace("m")).toEqual(["observed:0", "event:1", `error:${defaultAppCode.PERMISSION_DENIED}`]);
    await observations.observe(connection, observeMembers(0));
    expect(connection.trace("m").at(-1)).toBe(`error:${defaultAppCode.PERMISSION_DENIED}`);
  });
});

describe("observation bookkeeping", () => {
  it("one user's connections share one gate read per room event", async () => {
    const hub = new RoomEventHub();
    const viewer = new ViewerGate();
    const observations = new RoomObservations({
      hub,
      access: viewer,
      resources: [],
      onUnexpected: (err) => {
        throw err;
      },
    });
    for (const id of ["tab1", "tab2", "tab3"]) observations.connectionOpened(new Connection(id), () => {});
    hub.deliver(envelope(1, "room", { eventType: "room.visibility_changed" }));
    await settle();
    expect(viewer.reads).toBe(1);
    hub.deliver(envelope(2, "room", { eventType: "room.password_cleared" }));
    await settle();
    expect(viewer.reads).toBe(2);
  });

  it("a connection holds at most 64 observations; unobserve frees a slot", async () => {
    const read = gate();
    read.open();
    const observations = new RoomObservations({
      hub: new RoomEventHub(),
      access: new ViewerGate(),
      resources: [memoryLog([], read.opened)],
      onUnexpected: (err) => {
        throw err;
      },
    });
    const connection = new Connection();
    for (let i = 0; i < 64; i += 1) await observations.observe(connection, observeMembers(0, `o${i}`));
    await observations.observe(connection, observeMembers(0, "one-too-many"));
    expect(connection.trace("one-too-many")).toEqual([`error:${defaultAppCode.FAILED_PRECONDITION}`]);
    await observations.unobserve(connection, "o0");
    await observations.observe(connection, observeMembers(0, "fits"));
    expect(connection.trace("fits")).toEqual(["observed:0"]);
  });
});

describe("terminations from room events", () => {
  it("a connection that observes nothing is terminated when its user is kicked; other users' kicks do not touch it", async () => {
    const hub = new RoomEventHub();
    const observations = new RoomObservations({
      hub,
      access: new ViewerGate(),
      resources: [],
      onUnexpected: (err) => {
        throw err;
      },
    });
    const connection = new Connection();
    const terminated: RealtimeTerminationCode[] = [];
    observations.connectionOpened(connection, (code) => terminated.push(code));
    hub.deliver(envelope(1, "room_member", { userId: 99, eventType: "member.kicked" }));
    await settle();
    expect(terminated).toEqual([]);
    hub.deliver(envelope(2, "room_member", { userId: USER, eventType: "member.kicked" }));
    hub.deliver(envelope(3, "room", { eventType: "room.deleted" }));
    await settle();
    expect(terminated).toEqual([RealtimeTerminationCode.ROOM_MEMBERSHIP_REVOKED]);
    expect(observations.sessionCount()).toBe(0);
  });

  it("a room-level change that closes the gate (a ban) terminates every connection with the gate's code", async () => {
    const hub = new RoomEventHub();
    const viewer = new ViewerGate();
    const observations = new RoomObservations({
      hub,
      access: viewer,
      resources: [],
      onUnexpected: (err) => {
        throw err;
      },
    });
    const connection = new Connection();
    const terminated: RealtimeTerminationCode[] = [];
    observations.connectionOpened(connection, (code) => terminated.push(code));
    hub.deliver(envelope(1, "room", { eventType: "room.visibility_changed" }));
    await settle();
    expect(terminated).toEqual([]);
    viewer.refusal = permissionDenied("The room is banned", { code: AppCode.ROOM_BANNED });
    hub.deliver(envelope(2, "room", { eventType: "room.banned" }));
    await settle();
    expect(terminated).toEqual([RealtimeTerminationCode.ROOM_BANNED]);
  });
});
