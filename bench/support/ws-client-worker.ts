// One client process of the realtime benchmarks (forked by ws-client-fleet.ts): opens its share of
// WebSockets, optionally sends a first message once the server's first frame (welcome) arrived and
// waits for a reply containing a given text, then counts and times every marked frame it receives.
// Runs outside the server's process so the client load is not charged to the server.
import { nowMicros, readMarker } from "./fanout-marker.js";
import { LatencyHistogram, type SparseHistogram } from "./latency-histogram.js";
import { type LiteSocket, openLiteSocket } from "./ws-lite-client.js";

export interface ConnectionTarget {
  path: string;
  headers?: Record<string, string>;
  localAddress?: string;
}

export type WorkerCommand =
  | {
      type: "open";
      host: string;
      port: number;
      targets: ConnectionTarget[];
      concurrency: number;
      /** Sent after the first server frame; the socket counts as ready once a frame contains `readyWhen`. */
      afterWelcome?: { send: string; readyWhen: string };
    }
  | { type: "window"; startMicros: number; endMicros: number }
  | { type: "report" }
  | { type: "close" };

export interface OpenReport {
  type: "opened";
  ready: number;
  failed: number;
  errors: string[];
}

export interface DeliveryReport {
  type: "report";
  /** Marked frames whose send time lies in the window. */
  delivered: number;
  /** Marked frames outside the window (warm-up, drain). */
  outsideWindow: number;
  /** Frames without a marker after the socket was ready (snapshots, heartbeats…). */
  unmarked: number;
  closes: Record<string, number>;
  latency: { buckets: SparseHistogram; maxMs: number };
  frameBytes: number;
}

/** How long a socket may take from handshake to ready (welcome, then the observe reply). */
const READY_TIMEOUT_MS = 30_000;

const sockets: LiteSocket[] = [];
const closes: Record<string, number> = {};
let histogram = new LatencyHistogram();
let window = { startMicros: Number.POSITIVE_INFINITY, endMicros: Number.POSITIVE_INFINITY };
let delivered = 0;
let outsideWindow = 0;
let unmarked = 0;
let frameBytes = 0;

function onFrame(data: Buffer): void {
  const marker = readMarker(data);
  if (marker === null) {
    unmarked += 1;
    return;
  }
  frameBytes = data.length;
  if (marker.sentAtMicros < window.startMicros || marker.sentAtMicros >= window.endMicros) {
    outsideWindow += 1;
    return;
  }
  delivered += 1;
  histogram.record((nowMicros() - marker.sentAtMicros) / 1000);
}

async function openAll(command: Extract<WorkerCommand, { type: "open" }>): Promise<OpenReport> {
  let next = 0;
  let ready = 0;
  let failed = 0;
  const errors: string[] = [];
  const openOne = async (target: ConnectionTarget): Promise<void> => {
    let resolveReady: (ok: boolean) => void = () => {};
    const becameReady = new Promise<boolean>((r) => {
      resolveReady = r;
    });
    let state: "welcome" | "waiting" | "ready" = command.afterWelcome ? "welcome" : "ready";
    let lastFrame = "";
    const readyWhen = command.afterWelcome ? Buffer.from(command.afterWelcome.readyWhen) : null;
    const s = await openLiteSocket({
      host: command.host,
      port: command.port,
      path: target.path,
      ...(target.headers ? { headers: target.headers } : {}),
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
      onMessage(data, _binary, self) {
        if (state === "ready") {
          onFrame(data);
        } else if (state === "welcome") {
          state = "waiting";
          self.send(command.afterWelcome?.send ?? "");
        } else if (readyWhen !== null && data.indexOf(readyWhen) >= 0) {
          state = "ready";
          resolveReady(true);
        } else {
          lastFrame = data.toString("utf8", 0, Math.min(data.length, 300));
        }
      },
    });
    if (state === "ready") resolveReady(true);
    sockets.push(s);
    void s.closed.then((code) => {
      closes[code] = (closes[code] ?? 0) + 1;
      resolveReady(false);
    });
    const timer = setTimeout(() => resolveReady(false), READY_TIMEOUT_MS);
    const ok = await becameReady;
    clearTimeout(timer);
    if (!ok) {
      s.close();
      throw new Error(`not ready (closed or timed out); last frame: ${lastFrame || "none"}`);
    }
  };
  const runner = async (): Promise<void> => {
    while (next < command.targets.length) {
      const target = command.targets[next++] as ConnectionTarget;
      try {
        await openOne(target);
        ready += 1;
      } catch (err) {
        failed += 1;
        if (errors.length < 5) errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, runner));
  return { type: "opened", ready, failed, errors };
}

process.on("message", (command: WorkerCommand) => {
  switch (command.type) {
    case "open":
      void openAll(command).then((report) => process.send?.(report));
      return;
    case "window":
      window = { startMicros: command.startMicros, endMicros: command.endMicros };
      histogram = new LatencyHistogram();
      delivered = 0;
      outsideWindow = 0;
      unmarked = 0;
      return;
    case "report": {
      const report: DeliveryReport = {
        type: "report",
        delivered,
        outsideWindow,
        unmarked,
        closes,
        latency: histogram.toSparse(),
        frameBytes,
      };
      process.send?.(report);
      return;
    }
    case "close":
      for (const socket of sockets) socket.close();
      setTimeout(() => process.exit(0), 500).unref();
      return;
  }
});
process.send?.({ type: "started" });
