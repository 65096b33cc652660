// What bench/fanout sends, one driver per kind of event. A driver says how an observer subscribes
// (the first client message and the text of the reply that makes it live) and sends one event that
// carries the timing marker through the real server. `--driver playback` is built; a chat driver
// (observe `chat_events`, SendChatMessage with the marker in the text) plugs in here the same way.
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
  /** The first client message after welcome (JSON framing). */
  readonly observeMessage: string;
  /** A text in the server's reply that means the observation is live. */
  readonly readyWhen: string;
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

/** The baseline's event: a frame of `frameBytes` carrying the marker, published by bare-uws.ts. */
export function bareUwsDriver(options: { url: string; frameBytes: number }): FanoutDriver {
  return {
    name: "bare-uws",
    resource: "uWS topic",
    via: "POST /publish → app.publish(topic, frame)",
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
