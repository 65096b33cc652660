// bench/fanout (spec 09): one room, N observers (loopback WebSocket clients in separate processes),
// a driver producing events at a fixed rate through the real server; delivered messages/s and
// send→receive latency, against a bare uWebSockets.js pub/sub server fed the same-size frames at
// the same rate with the same number of sockets, in the same run. The driver embeds its send time
// in each event (bench/support/fanout-marker.ts), so latency is receive time at the client minus
// send time at the driver, on one host clock.
// Usage: npm run bench:fanout [-- --sizes=100,500,2000 --rates=20 --duration=15 --warmup=3
//        --workers=2 --driver=playback|chat --senders=20
//        --server-node-options="--cpu-prof --cpu-prof-dir=/tmp/prof"]
// Drivers (bench/support/fanout-drivers.ts): `playback` (playback_state events from unary
// UpdatePlaybackState by the room's creator); `chat` (chat_events from unary SendChatMessage by
// `--senders` distinct members in turn, with the server's room_chat budget disabled).
import { parseArgs } from "node:util";
import { startBareUws } from "./support/bare-uws-process.js";
import { machine, printResult, progress } from "./support/bench-output.js";
import {
  bareUwsDriver,
  chatDriver,
  type FanoutDriver,
  playbackStateDriver,
  type SendOutcome,
} from "./support/fanout-drivers.js";
import { nowMicros } from "./support/fanout-marker.js";
import { round } from "./support/percentiles.js";
import { type BenchActor, startRealtimeBenchServer } from "./support/realtime-bench-server.js";
import { ClientFleet, type FleetDelivery, loopbackSources } from "./support/ws-client-fleet.js";
import type { ConnectionTarget } from "./support/ws-client-worker.js";

const TARGET = { ratio_min: 0.5, p99_max_ms: 100, at: { observers: 2000, rate_per_s: 20 } } as const;
/** After the last event of the window, how long clients may still deliver it. */
const DRAIN_SECONDS = 3;

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,500,2000" },
    rates: { type: "string", default: "20" },
    duration: { type: "string", default: "15" },
    warmup: { type: "string", default: "3" },
    workers: { type: "string", default: "2" },
    driver: { type: "string", default: "playback" },
    /** Chat driver: how many distinct users send, in turn. */
    senders: { type: "string", default: "20" },
    sources: { type: "string", default: "4" },
    /** e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under the load. */
    "server-node-options": { type: "string", default: "" },
  },
});
const sizes = values.sizes.split(",").map(Number);
const rates = values.rates.split(",").map(Number);
const settings = {
  durationSeconds: Number(values.duration),
  warmupSeconds: Number(values.warmup),
  workers: Number(values.workers),
  sources: loopbackSources(Number(values.sources)),
};
const DRIVERS = ["playback", "chat"] as const;
type DriverName = (typeof DRIVERS)[number];
if (!DRIVERS.includes(values.driver as DriverName)) {
  throw new Error(`--driver ${values.driver}: expected one of ${DRIVERS.join(", ")}`);
}
const driverName = values.driver as DriverName;
const senderCount = driverName === "chat" ? Number(values.senders) : 0;
if (!Number.isInteger(senderCount) || senderCount < 0 || (driverName === "chat" && senderCount === 0)) {
  throw new Error(`--senders ${values.senders}: expected a positive integer`);
}
/** The bench profile raises messaging_rate_limits; the room_chat scope, when set, wins over it. */
const serverEnv: Record<string, string> =
  driverName === "chat"
    ? { SYNCTV_REQUEST_RATE_LIMITS_SCOPES: JSON.stringify({ room_chat: { strategy: "disabled" } }) }
    : {};

interface PhaseFigures {
  observers: number;
  ready: number;
  open_seconds: number;
  sent_in_window: number;
  send_errors: number;
  send_error_sample: string[];
  driver_call_p50_ms: number;
  driver_call_p99_ms: number;
  expected_deliveries: number;
  delivery: FleetDelivery;
  delivered_per_sec: number;
  delivered_ratio: number;
}

/** Opens `targets` as observers, drives `rate` events/s for warm-up + duration, and reports the window. */
async function runPhase(
  driver: FanoutDriver,
  port: number,
  targets: readonly ConnectionTarget[],
  rate: number,
): Promise<PhaseFigures> {
  await driver.prepare?.();
  const fleet = await ClientFleet.start(settings.workers);
  try {
    const opened = await fleet.open("127.0.0.1", port, targets, {
      concurrencyPerWorker: 32,
      afterWelcome: { send: driver.observeMessage, readyWhen: driver.readyWhen },
    });
    if (opened.failed > 0) progress(`  ${opened.failed} observers failed: ${opened.errors.join("; ")}`);
    const intervalMs = 1000 / rate;
    const total = Math.round((settings.warmupSeconds + settings.durationSeconds) * rate);
    const warmupEvents = Math.round(settings.warmupSeconds * rate);
    const outcomes: { seq: number; outcome: Promise<SendOutcome> }[] = [];
    const start = performance.now() + 100;
    let windowStart = 0;
    let windowEnd = 0;
    // Open loop: event k goes at start + k·interval whether or not earlier calls have answered.
    for (let seq = 0; seq < total; seq += 1) {
      const due = start + seq * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (seq === warmupEvents) {
        windowStart = nowMicros();
        windowEnd = windowStart + settings.durationSeconds * 1_000_000;
        fleet.setWindow(windowStart, windowEnd);
      }
      outcomes.push({ seq, outcome: driver.send(seq) });
    }
    const settled = await Promise.all(outcomes.map(async (o) => ({ seq: o.seq, ...(await o.outcome) })));
    await new Promise((r) => setTimeout(r, DRAIN_SECONDS * 1000));
    const delivery = await fleet.report();
    const inWindow = settled.filter((o) => o.seq >= warmupEvents);
    const failures = inWindow.filter((o) => !o.ok);
    const callMs = inWindow.map((o) => o.ms).sort((a, b) => a - b);
    const sent = inWindow.length - failures.length;
    const expected = sent * opened.ready;
    return {
      observers: targets.length,
      ready: opened.ready,
      open_seconds: round(opened.seconds, 1),
      sent_in_window: sent,
      send_errors: failures.length,
      send_error_sample: failures.slice(0, 3).map((f) => f.error ?? ""),
      driver_call_p50_ms: round(callMs[Math.floor(callMs.length * 0.5)] ?? Number.NaN),
      driver_call_p99_ms: round(callMs[Math.min(callMs.length - 1, Math.floor(callMs.length * 0.99))] ?? Number.NaN),
      expected_deliveries: expected,
      delivery,
      delivered_per_sec: round(delivery.delivered / settings.durationSeconds, 1),
      delivered_ratio: expected === 0 ? 0 : round(delivery.delivered / expected, 4),
    };
  } finally {
    await fleet.stop();
  }
}

function summary(p: PhaseFigures) {
  return {
    observers_ready: p.ready,
    delivered_per_sec: p.delivered_per_sec,
    offered_per_sec: round(p.expected_deliveries / settings.durationSeconds, 1),
    delivered_ratio: p.delivered_ratio,
    latency_p50_ms: p.delivery.latency.p50_ms,
    latency_p90_ms: p.delivery.latency.p90_ms,
    latency_p99_ms: p.delivery.latency.p99_ms,
    latency_max_ms: p.delivery.latency.max_ms,
    frame_bytes: p.delivery.frameBytes,
    events_sent_in_window: p.sent_in_window,
    send_errors: p.send_errors,
    send_error_sample: p.send_error_sample,
    driver_call_p50_ms: p.driver_call_p50_ms,
    driver_call_p99_ms: p.driver_call_p99_ms,
    closes_seen_by_clients: p.delivery.closes,
  };
}

const common = {
  ...machine(),
  code: "TypeScript via tsx",
  database: "postgresql (fresh database per run)",
  bench_profile: true,
  client_processes: settings.workers,
  client: "minimal RFC 6455 client over node:net (bench/support/ws-lite-client.ts), JSON framing",
  source_addresses: settings.sources.length,
  duration_s: settings.durationSeconds,
  warmup_s: settings.warmupSeconds,
  drain_s: DRAIN_SECONDS,
  schedule: "open loop: event k is sent at start + k/rate whatever earlier calls did",
  latency: "client receive time − driver send time (embedded in the event), same host clock",
};

const largest = Math.max(...sizes);
progress("starting synctv serve (PostgreSQL)");
const server = await startRealtimeBenchServer({
  env: serverEnv,
  ...(values["server-node-options"] ? { nodeOptions: values["server-node-options"] } : {}),
});
const results: { observers: number; rate: number; synctv: PhaseFigures; driver: FanoutDriver }[] = [];
try {
  progress(`creating ${largest + 1 + senderCount} users and the room`);
  const [owner, ...others] = await server.createUsers(largest + 1 + senderCount);
  const observers = others.slice(0, largest);
  const senders = others.slice(largest);
  const room = await server.createRoom(owner as BenchActor, others);
  await server.startPlaying(room, owner as BenchActor);
  const driver =
    driverName === "chat"
      ? chatDriver({
          apiUrl: server.synctv.apiUrl,
          roomPublicId: room.publicId,
          senderTokens: senders.map((s) => s.token),
        })
      : playbackStateDriver({ apiUrl: server.synctv.apiUrl, roomPublicId: room.publicId, token: owner!.token });
  for (const observersCount of sizes) {
    for (const rate of rates) {
      const targets = observers.slice(0, observersCount).map((actor, i) => ({
        path: `/ws/rooms/${room.publicId}?format=json`,
        headers: { Authorization: `Bearer ${actor.token}` },
        localAddress: settings.sources[i % settings.sources.length],
      }));
      progress(`synctv: ${observersCount} observers × ${rate} events/s`);
      const figures = await runPhase(driver, server.realtimePort, targets, rate);
      progress(
        `  delivered ${figures.delivered_per_sec}/s (${figures.delivered_ratio} of offered), p50 ${figures.delivery.latency.p50_ms} ms, p99 ${figures.delivery.latency.p99_ms} ms`,
      );
      results.push({ observers: observersCount, rate, synctv: figures, driver });
    }
  }
} finally {
  await server.stop();
}

progress("starting the bare uWebSockets.js baseline");
const bare = await startBareUws();
try {
  for (const row of results) {
    const frameBytes = row.synctv.delivery.frameBytes || 400;
    const driver = bareUwsDriver({ url: `http://127.0.0.1:${bare.port}`, frameBytes });
    const targets = Array.from({ length: row.observers }, (_, i) => ({
      path: "/ws",
      localAddress: settings.sources[i % settings.sources.length],
    }));
    progress(`bare-uws: ${row.observers} observers × ${row.rate} events/s, ${frameBytes}-byte frames`);
    const baseline = await runPhase(driver, bare.port, targets, row.rate);
    progress(
      `  delivered ${baseline.delivered_per_sec}/s, p50 ${baseline.delivery.latency.p50_ms} ms, p99 ${baseline.delivery.latency.p99_ms} ms`,
    );
    const ratio =
      baseline.delivered_per_sec > 0 ? round(row.synctv.delivered_per_sec / baseline.delivered_per_sec, 2) : null;
    const atTarget = row.observers === TARGET.at.observers && row.rate === TARGET.at.rate_per_s;
    printResult({
      name: `fanout.${row.driver.resource}.n${row.observers}.r${row.rate}`,
      parameters: {
        ...common,
        observers: row.observers,
        rate_per_s: row.rate,
        driver: row.driver.via,
        observed: row.driver.observed,
      },
      figures: summary(row.synctv),
      baseline: {
        name: "bare uWebSockets.js pub/sub (one topic, POST /publish → app.publish), same observers, rate and frame size, child process",
        ...summary(baseline),
      },
      ratio_vs_baseline: ratio,
      target: TARGET,
      target_applies: atTarget,
      target_met:
        ratio !== null &&
        ratio >= TARGET.ratio_min &&
        row.synctv.delivery.latency.p99_ms <= TARGET.p99_max_ms &&
        row.synctv.ready === row.observers,
    });
  }
} finally {
  await bare.stop();
}
