// The one transaction helper for writes others observe (style: "every write that others observe
// goes through one transaction helper"): it records room events in the transaction and, only after
// commit, hands them to after-commit listeners (the local realtime hub and workers, 06 §4.5 step 2).
import { type Clock, systemClock } from "../../clock.js";
import type { Database, DbTransaction } from "../database-port.js";
import { appendChatEvent, type ChatEventInput } from "./chat-event-log.js";
import { type AppendedRoomEvent, appendRoomEvent, type RoomEventInput } from "./room-event-log.js";

/** Records events in the current transaction; handed to `ObservableWriter.run` callbacks. */
export interface RoomEventRecorder {
  append(input: RoomEventInput): Promise<AppendedRoomEvent>;
  /** A chat message change: its own log and per-room sequence (06 §4.2), same outbox and listeners. */
  appendChat(input: ChatEventInput): Promise<AppendedRoomEvent>;
}

export type AfterCommitListener = (events: readonly AppendedRoomEvent[]) => void;

export interface ObservableWriterOptions {
  clock?: Clock;
  /** A listener threw; the write has committed regardless, so this only reports (e.g. logs). */
  onListenerError?: (error: unknown) => void;
}

export class ObservableWriter {
  readonly #database: Database;
  readonly #clock: Clock;
  readonly #onListenerError: (error: unknown) => void;
  readonly #listeners = new Set<AfterCommitListener>();

  constructor(database: Database, options: ObservableWriterOptions = {}) {
    this.#database = database;
    this.#clock = options.clock ?? systemClock;
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  /** Registers a listener for committed events; returns the unsubscribe function. */
  onCommitted(listener: AfterCommitListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Runs `fn` in one transaction. Events appended through `events` commit or roll back with the
   * business change; listeners hear about them only after a successful commit, never on rollback.
   */
  async run<T>(fn: (tx: DbTransaction, events: RoomEventRecorder) => Promise<T>): Promise<T> {
    const committed: AppendedRoomEvent[] = [];
    const result = await this.#database.tx(async (tx) => {
      const recorded: AppendedRoomEvent[] = [];
      const events: RoomEventRecorder = {
        append: async (input) => {
          const event = await appendRoomEvent(tx, input, this.#clock);
          recorded.push(event);
          return event;
        },
        appendChat: async (input) => {
          const event = await appendChatEvent(tx, input, this.#clock);
          recorded.push(event);
          return event;
        },
      };
      const value = await fn(tx, events);
      committed.push(...recorded);
      return value;
    });
    if (committed.length > 0) this.#publish(committed);
    return result;
  }

  #publish(events: readonly AppendedRoomEvent[]): void {
    for (const listener of this.#listeners) {
      try {
        listener(events);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
