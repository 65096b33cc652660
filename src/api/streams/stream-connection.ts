// One API stream seen as a realtime connection (spec 03 §1): the ObservationHandler and ClientCommands
// send into it exactly as into a WebSocket, and the RPC's response iterates it. The outbound buffer
// is bounded: a consumer that falls that far behind is ended with RESOURCE_EXHAUSTED (03 §2.2).
import type { ServerMessage } from "../../../gen/synctv/v1/realtime_pb.js";
import { DomainError } from "../../core/errors.js";
import type { TicketActor } from "../../core/realtime/websocket-tickets.js";
import type { CommandConnection } from "../../realtime/client-commands.js";

/** Messages a stream may hold for a consumer that is not reading before it is cut off. */
export const DEFAULT_MAX_BUFFERED_MESSAGES = 1024;

export interface StreamConnectionInit {
  connectionId: string;
  actor: TicketActor;
  roomId: number;
  roomPublicId: string;
  maxBufferedMessages?: number;
}

export function slowConsumer(): DomainError {
  return new DomainError("RATE_LIMITED", "Stream consumer too slow; reconnect and resync");
}

export class StreamConnection implements CommandConnection {
  readonly connectionId: string;
  readonly actor: TicketActor;
  readonly roomId: number;
  readonly roomPublicId: string;
  readonly #max: number;
  readonly #buffer: ServerMessage[] = [];
  #ending: { error: unknown } | null = null;
  #wake: (() => void) | null = null;

  constructor(init: StreamConnectionInit) {
    this.connectionId = init.connectionId;
    this.actor = init.actor;
    this.roomId = init.roomId;
    this.roomPublicId = init.roomPublicId;
    this.#max = init.maxBufferedMessages ?? DEFAULT_MAX_BUFFERED_MESSAGES;
  }

  /** True once the stream is ending: later sends are dropped, as on a closed socket. */
  get closed(): boolean {
    return this.#ending !== null;
  }

  /** Messages waiting for the consumer. */
  get buffered(): number {
    return this.#buffer.length;
  }

  send(message: ServerMessage): void {
    if (this.#ending !== null) return;
    if (this.#buffer.length >= this.#max) {
      this.fail(slowConsumer());
      return;
    }
    this.#buffer.push(message);
    this.#notify();
  }

  /** Ends the stream once what is buffered has been read. */
  end(): void {
    if (this.#ending !== null) return;
    this.#ending = { error: undefined };
    this.#notify();
  }

  /** Ends the stream with `error` at once; what is still buffered is dropped (the client must resync). */
  fail(error: unknown): void {
    if (this.#ending !== null) return;
    this.#buffer.length = 0;
    this.#ending = { error };
    this.#notify();
  }

  /** The outbound messages in order; finishes after end(), throws the error given to fail(). */
  async *messages(): AsyncGenerator<ServerMessage> {
    for (;;) {
      const next = this.#buffer.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.#ending !== null) {
        if (this.#ending.error !== undefined) throw this.#ending.error;
        return;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
