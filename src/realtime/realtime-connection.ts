// One admitted WebSocket: who it is, its framing, its message budget and its backpressure record.
// Sends are no-ops once the socket closed, so late async replies cannot touch a dead uWS handle.
import type { WebSocket } from "uWebSockets.js";
import type { ServerMessage } from "../../gen/synctv/v1/realtime_pb.js";
import type { TicketActor } from "../core/realtime/websocket-tickets.js";
import type { CommandConnection } from "./client-commands.js";
import { encodeServerMessage } from "./frame-codec.js";
import type { AdmittedConnection } from "./upgrade-admission.js";

export interface ConnectionPolicy {
  messagesPerSecond: number;
  /** Outbound bytes buffered beyond which a send counts as a slow-consumer strike. */
  slowConsumerBytes: number;
  /** Consecutive strikes before the connection is closed. */
  slowConsumerStrikes: number;
}

/** uWS user data: set at upgrade, the socket handle is attached on open. */
export class RealtimeConnection implements CommandConnection {
  socket: WebSocket<{ connection: RealtimeConnection }> | null = null;
  closed = false;
  /** Commands run one after another in arrival order. */
  queue: Promise<void> = Promise.resolve();
  droppedMessages = 0;
  lastValidatedAtMs: number;
  #windowStartMs = 0;
  #windowCount = 0;
  #strikes = 0;
  releaseRuntime: () => void = () => {};

  constructor(
    readonly connectionId: string,
    readonly admitted: AdmittedConnection,
    readonly openedAtMs: number,
    private readonly policy: ConnectionPolicy,
    private readonly onSlowConsumer: (connection: RealtimeConnection) => void,
  ) {
    this.lastValidatedAtMs = openedAtMs;
  }

  get actor(): TicketActor {
    return this.admitted.actor;
  }
  get roomId(): number {
    return this.admitted.roomId;
  }
  get roomPublicId(): string {
    return this.admitted.roomPublicId;
  }

  /** Counts one inbound message; false when it exceeds this second's budget (it is then dropped). */
  admitMessage(nowMs: number): boolean {
    if (nowMs - this.#windowStartMs >= 1000) {
      this.#windowStartMs = nowMs;
      this.#windowCount = 0;
    }
    this.#windowCount += 1;
    if (this.#windowCount > this.policy.messagesPerSecond) {
      this.droppedMessages += 1;
      return false;
    }
    return true;
  }

  send(message: ServerMessage): void {
    const socket = this.socket;
    if (this.closed || socket === null) return;
    const frame = encodeServerMessage(this.admitted.format, message);
    let status = 0;
    socket.cork(() => {
      status = socket.send(frame, typeof frame !== "string");
    });
    // 2: uWS dropped the frame (above maxBackpressure); the client has already lost data.
    if (status === 2) {
      this.onSlowConsumer(this);
      return;
    }
    if (socket.getBufferedAmount() > this.policy.slowConsumerBytes) {
      this.#strikes += 1;
      if (this.#strikes >= this.policy.slowConsumerStrikes) this.onSlowConsumer(this);
    } else {
      this.#strikes = 0;
    }
  }

  /** uWS `drain`: the buffer shrank; below the bound the strikes are forgiven. */
  drained(): void {
    if (this.socket && this.socket.getBufferedAmount() <= this.policy.slowConsumerBytes) this.#strikes = 0;
  }

  /**
   * Closes on purpose; a `termination` should have been sent just before when the client deserves one.
   * Deliberately not inside `socket.cork`: uWS `end` sends the close frame and then shuts the TCP
   * stream down (FIN) only when the socket is not corked, and the cork wrapper uWS.js exposes flushes
   * the frame but never sends that FIN (uWS's own callbacks do, which is why a close from `message`
   * is prompt). Corked, the client got the close frame at once but the TCP stream stayed open until
   * uWS's end timeout (the ping margin, 16 s with our idle timeout) — and WebSocket clients that
   * wait for the server to close TCP first (undici, browsers) only reported the close then.
   */
  end(code: number, reason: string): void {
    const socket = this.socket;
    if (this.closed || socket === null) return;
    socket.end(code, reason);
  }
}
