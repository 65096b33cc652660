// gRPC (HTTP/2) load with @grpc/grpc-js, since autocannon speaks HTTP/1.1 only: a few channels,
// each carrying many concurrent unary calls in closed loops, for a fixed duration after a warm-up.
import * as grpc from "@grpc/grpc-js";
import { percentile, round } from "./percentiles.js";

/** Statuses grpc-js produces itself when a call never got an answer. */
const TRANSPORT_FAILURES: ReadonlySet<grpc.status> = new Set([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.CANCELLED,
]);

export interface GrpcCallSpec {
  /** `/package.Service/Method`. */
  path: string;
  /** Builds each request's encoded bytes; called per call so scenarios can vary requests. */
  encode(): Uint8Array;
  /** Optional metadata (e.g. authorization) per call. */
  metadata?(): Record<string, string>;
}

export interface GrpcLoadSettings {
  channels: number;
  callsInFlightPerChannel: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface GrpcLoadFigures {
  requests_per_sec: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  /** Calls that failed in transport: no connection, deadline exceeded, cancelled. */
  errors: number;
  /** The gRPC analogue of non-2xx: every other non-OK status the server returned. */
  non2xx: number;
  /** Every non-OK outcome by status name, errors included. */
  non_ok_by_code: Record<string, number>;
  total_requests: number;
}

export async function runGrpcLoad(
  address: string,
  spec: GrpcCallSpec,
  settings: GrpcLoadSettings,
): Promise<GrpcLoadFigures> {
  // A local subchannel pool per client, or grpc-js would share one HTTP/2 connection among them.
  const clients = Array.from(
    { length: settings.channels },
    () => new grpc.Client(address, grpc.credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1 }),
  );
  try {
    if (settings.warmupSeconds > 0) await drive(clients, spec, settings, settings.warmupSeconds);
    return await drive(clients, spec, settings, settings.durationSeconds);
  } finally {
    for (const c of clients) c.close();
  }
}

async function drive(
  clients: grpc.Client[],
  spec: GrpcCallSpec,
  settings: GrpcLoadSettings,
  seconds: number,
): Promise<GrpcLoadFigures> {
  const latencies: number[] = [];
  const nonOk: Record<string, number> = {};
  let errors = 0;
  let nonOkFromServer = 0;
  const start = performance.now();
  const end = start + seconds * 1000;

  const loop = async (client: grpc.Client) => {
    while (performance.now() < end) {
      const sentAt = performance.now();
      const code = await call(client, spec);
      latencies.push(performance.now() - sentAt);
      if (code === grpc.status.OK) continue;
      const key = code === "transport" ? "TRANSPORT" : (grpc.status[code] ?? String(code));
      nonOk[key] = (nonOk[key] ?? 0) + 1;
      if (code === "transport" || TRANSPORT_FAILURES.has(code)) errors += 1;
      else nonOkFromServer += 1;
    }
  };
  await Promise.all(clients.flatMap((c) => Array.from({ length: settings.callsInFlightPerChannel }, () => loop(c))));
  const elapsedSeconds = (performance.now() - start) / 1000;

  latencies.sort((a, b) => a - b);
  return {
    requests_per_sec: Math.round(latencies.length / elapsedSeconds),
    latency_p50_ms: round(percentile(latencies, 50), 2),
    latency_p99_ms: round(percentile(latencies, 99), 2),
    errors,
    non2xx: nonOkFromServer,
    non_ok_by_code: nonOk,
    total_requests: latencies.length,
  };
}

/** One unary call; resolves with its status code, or "transport" when no status came back. */
function call(client: grpc.Client, spec: GrpcCallSpec): Promise<grpc.status | "transport"> {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(spec.metadata?.() ?? {})) metadata.set(k, v);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      spec.path,
      (bytes: Uint8Array) => Buffer.from(bytes),
      // The driver does not decode responses: decoding cost would be the driver's, not the server's.
      (bytes: Buffer) => bytes,
      spec.encode(),
      metadata,
      { deadline: Date.now() + 5000 },
      (err) => resolve(err ? (typeof err.code === "number" ? err.code : "transport") : grpc.status.OK),
    );
  });
}
