// Polls a URL until it answers 200. Start-up figures are "spawn until ready", so the poll interval
// bounds their resolution; 10 ms is well under the figures measured and cheap for the server.
import { setTimeout as sleep } from "node:timers/promises";

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Stop early when the process under test has already died. */
  failed?: () => Error | undefined;
  method?: string;
}

export async function waitForHttp200(url: string, options: WaitOptions): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 10;
  for (;;) {
    const failure = options.failed?.();
    if (failure) throw failure;
    try {
      // A short per-attempt timeout: a half-started listener must not stall the poll.
      const res = await fetch(url, { method: options.method ?? "GET", signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet (ECONNREFUSED) or not answering yet: keep polling.
    }
    if (performance.now() > deadline) throw new Error(`${url} not 200 within ${options.timeoutMs} ms`);
    await sleep(interval);
  }
}
