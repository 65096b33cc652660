// What bench/fanout sends, one driver per kind of event. A driver says how an observer subscribes
// (the first client message and the text of the reply that makes it live) and sends one event that
// carries the timing marker through the real server: `--driver playback` (UpdatePlaybackState →
// playback_state) and `--driver chat` (SendChatMessage from many senders → chat_events).
import { markerUuid, nowMicros } from "./fanout-marker.js";

export interface SendOutcome {
  ok: boolean;
  /** Request sent → answer read. */
  ms: number;
  error?: string;
}

export interface FanoutDriver {
  readonly name: string;
  /** The resource observed, for the result's parameters. */
  readonly resource: string;
  /** How the event is produced, for the result's parameters. */
  readonly via: string;
  /** What an observer receives, for the result's parameters. */
  readonly observed: string;
  /** The first client message after welcome (JSON framing); read after `prepare`. */
  readonly observeMessage: string;
  /** A text in the server's reply that means the observation is live. */
  readonly readyWhen: string;
  /** Runs before each phase's observers connect (e.g. to observe from the current watermark). */
  prepare?(): Promise<void>;
  /** Sends event `seq`; its marker embeds the send time taken just before the request. */
  send(seq: number): Promise<SendOutcome>;
}

export interface PlaybackDriverOptions {
  apiUrl: string;
  roomPublicId: string;
  /** Access token of an actor allowed to change playback (the room's creator). */
  token: string;
}

/** `playback_state` events driven by unary UpdatePlaybackState (Connect JSON): one SEEK per event. */
export function playbackStateDriver(options: PlaybackDriverOptions): FanoutDriver {
  const url = `${options.apiUrl}/synctv.v1.PlaybackService/UpdatePlaybackState`;
  return {
    name: "playback",
    resource: "playback_state",
    via: "unary PlaybackService/UpdatePlaybackState over Connect JSON (SEEK, client_operation_id = marker)",
    observed: "playback_state (PUSH_SNAPSHOT)",
    observeMessage: JSON.stringify({ observeResource: { observeId: "bench", playbackState: {} } }),
    readyWhen: "resourceObserved",
    async send(seq) {
      const sentAt = nowMicros();
      const body = JSON.stringify({
        roomId: options.roomPublicId,
        type: "PLAYBACK_UPDATE_TYPE_SEEK",
        position: seq % 3600,
        clientOperationId: markerUuid(sentAt, seq),
      });
      return post(url, body, { authorization: `Bearer ${options.token}` });
    },
  };
}

export interface ChatDriverOptions {
  apiUrl: string;
  roomPublicId: string;
  /** Access tokens of room members that send, one distinct user each; event k is sent by sender k mod n. */
  senderTokens: readonly string[];
}

/**
 * `chat_events` driven by unary ChatService/SendChatMessage (Connect JSON) from many distinct
 * senders. The marker is both the message text (which every CREATED event carries) and its
 * client_message_id (a UUID fits the idempotency key's pattern, and is unique per event). The
 * server's chat budget must be off (`request_rate_limits.scopes.room_chat`), or a sender above
 * 10 messages/s measures the limiter. Observers start from the watermark GetChatHistory returns,
 * so a later phase does not replay the earlier phases' messages.
 */
export function chatDriver(options: ChatDriverOptions): FanoutDriver {
  if (options.senderTokens.length === 0) throw new Error("chat driver: no senders");
  const sendUrl = `${options.apiUrl}/synctv.v1.ChatService/SendChatMessage`;
  const historyUrl = `${options.apiUrl}/synctv.v1.ChatService/GetChatHistory`;
  const first = options.senderTokens[0] as string;
  let afterEventSequence = "0";
  return {
    name: "chat",
    resource: "chat_events",
    via: `unary ChatService/SendChatMessage over Connect JSON from ${options.senderTokens.length} distinct senders in turn (content = client_message_id = marker)`,
    observed: "chat_events (durable events after the GetChatHistory watermark)",
    get observeMessage() {
      return JSON.stringify({ observeResource: { observeId: "bench", chatEvents: { afterEventSequence } } });
    },
    readyWhen: "resourceObserved",
    async prepare() {
      const res = await fetch(historyUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${first}` },
        body: JSON.stringify({ roomId: options.roomPublicId, limit: 1 }),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GetChatHistory: ${res.status} ${text.slice(0, 200)}`);
      afterEventSequence = String((JSON.parse(text) as { eventCursor?: string }).eventCursor ?? "0");
    },
    async send(seq) {
      const token = options.senderTokens[seq % options.senderTokens.length] as string;
      const marker = markerUuid(nowMicros(), seq);
      const body = JSON.stringify({ roomId: options.roomPublicId, content: marker, clientMessageId: marker });
      return post(sendUrl, body, { authorization: `Bearer ${token}` });
    },
  };
}

/** The baseline's event: a frame of `frameBytes` carrying the marker, published by bare-uws.ts. */
export function bareUwsDriver(options: { url: string; frameBytes: number }): FanoutDriver {
  return {
    name: "bare-uws",
    resource: "uWS topic",
    via: "POST /publish → app.publish(topic, frame)",
    observed: "one pub/sub topic",
    observeMessage: "subscribe",
    readyWhen: "resourceObserved",
    async send(seq) {
      const head = `{"resourceEvent":{"observeId":"bench","payload":"${markerUuid(nowMicros(), seq)}`;
      const tail = '"}}';
      const padding = "x".repeat(Math.max(0, options.frameBytes - head.length - tail.length));
      return post(`${options.url}/publish`, head + padding + tail, {});
    },
  };
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<SendOutcome> {
  const started = performance.now();
  try {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const text = await res.text();
    const ms = performance.now() - started;
    return res.status === 200 ? { ok: true, ms } : { ok: false, ms, error: `${res.status} ${text.slice(0, 200)}` };
  } catch (err) {
    return { ok: false, ms: performance.now() - started, error: err instanceof Error ? err.message : String(err) };
  }
}
