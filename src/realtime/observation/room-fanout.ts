// One hub subscription per room for all of this node's observing sessions in it (03 §2 fan-out).
// An event reaches the sessions in slices: the first at once, inside the hub's delivery, the rest
// on later turns of the event loop, so a large room's fan-out (one socket write per session) never
// holds database answers and requests back for its whole length. Sessions get events in room order.
import type { RoomEventEnvelope } from "../../infra/db/events/room-event-log.js";
import type { RoomEventHub } from "../delivery/room-event-hub.js";

/** Sessions handed an event per turn of the event loop. */
export const FANOUT_SLICE = 256;

export interface FanoutMember {
  accept(envelope: RoomEventEnvelope): void;
}

export class RoomFanouts<M extends FanoutMember> {
  readonly #rooms = new Map<number, RoomFanout<M>>();

  constructor(
    private readonly hub: Pick<RoomEventHub, "subscribe">,
    /** `accept` threw (it should not): the other members still get the event. */
    private readonly onError: (err: unknown, member: M) => void,
    private readonly slice = FANOUT_SLICE,
  ) {}

  /** Hands `member` the room's events from the next one committed; returns the leave function. */
  join(roomId: number, member: M): () => void {
    let room = this.#rooms.get(roomId);
    if (room === undefined) {
      const created = new RoomFanout<M>(this.slice, this.onError);
      created.unsubscribe = this.hub.subscribe(roomId, (envelope) => created.offer(envelope));
      this.#rooms.set(roomId, created);
      room = created;
    }
    const joined = room;
    joined.members.add(member);
    return () => {
      joined.members.delete(member);
      if (joined.members.size === 0 && this.#rooms.get(roomId) === joined) {
        this.#rooms.delete(roomId);
        joined.unsubscribe();
      }
    };
  }
}

/** An event on its way through the room: the members present when it arrived, and how far it got. */
interface InFlight<M> {
  envelope: RoomEventEnvelope;
  members: M[];
  next: number;
}

class RoomFanout<M extends FanoutMember> {
  readonly members = new Set<M>();
  unsubscribe: () => void = () => {};
  readonly #queue: InFlight<M>[] = [];
  #running = false;

  constructor(
    private readonly slice: number,
    private readonly onError: (err: unknown, member: M) => void,
  ) {}

  offer(envelope: RoomEventEnvelope): void {
    this.#queue.push({ envelope, members: [...this.members], next: 0 });
    if (!this.#running) this.#run();
  }

  /** Delivers up to one slice, oldest event first; schedules the rest for the next turn. */
  #run(): void {
    this.#running = true;
    let budget = this.slice;
    for (;;) {
      const head = this.#queue[0];
      if (head === undefined) {
        this.#running = false;
        return;
      }
      while (head.next < head.members.length && budget > 0) {
        const member = head.members[head.next++]!;
        budget -= 1;
        try {
          member.accept(head.envelope);
        } catch (err) {
          this.onError(err, member);
        }
      }
      if (head.next < head.members.length) break;
      this.#queue.shift();
      if (budget === 0) break;
    }
    if (this.#queue.length === 0) {
      this.#running = false;
      return;
    }
    // Still running: events arriving meanwhile queue behind the one in flight.
    setImmediate(() => this.#run());
  }
}
