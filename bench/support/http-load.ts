// HTTP/1.1 load through autocannon's programmatic API: a warm-up run whose figures are thrown
// away (JIT, connection set-up, first-request caches), then the measured run.
import autocannon from "autocannon";

/** What one scenario sends: a fixed request, or a `requests` sequence for per-request variation. */
export interface HttpRequestSpec {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** For scenarios that vary each request (unique users, idempotency keys, token rotation). */
  requests?: autocannon.Request[];
}

export interface HttpLoadSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface HttpLoadFigures {
  requests_per_sec: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  errors: number;
  non2xx: number;
  total_requests: number;
}

export async function runHttpLoad(
  baseUrl: string,
  spec: HttpRequestSpec,
  settings: HttpLoadSettings,
): Promise<HttpLoadFigures> {
  const options = (duration: number): autocannon.Options => ({
    url: baseUrl + spec.path,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    requests: spec.requests,
    connections: settings.connections,
    duration,
    // A 5 s timeout is generous against a 20 ms p99 target: timeouts show up as errors, not hangs.
    timeout: 5,
  });
  if (settings.warmupSeconds > 0) await autocannon(options(settings.warmupSeconds));
  const result = await autocannon(options(settings.durationSeconds));
  return {
    requests_per_sec: Math.round(result.requests.average),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    // `errors` already counts timeouts (connection errors of every kind).
    errors: result.errors,
    non2xx: result.non2xx,
    total_requests: result.requests.total,
  };
}
