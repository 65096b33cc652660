// The per-probe request context: provider headers, the shared deadline, and one fetch wrapper that turns
// transport errors and HTTP statuses into classified probe failures.
import {
  headersForHop,
  ProbeFetchError,
  type ProbeFetcher,
  type ProbeResponse,
  redactUrl,
} from "./http-probe-client.js";
import { failureForStatus, ProbeFailure } from "./probe-result.js";

export interface ProbeContext {
  fetcher: ProbeFetcher;
  /** The URL the provider chose the headers for; other origins get them without credentials. */
  origin: URL;
  headers: Readonly<Record<string, string>>;
  /** Aborts every request when the probe's time budget runs out. */
  signal: AbortSignal;
  /** Checked before each request so an injected clock can end a multi-hop probe. */
  deadlinePassed: () => boolean;
}

export interface ProbeFetchOptions {
  range?: { start: number; end: number };
  maxBytes: number;
  /** Non-2xx statuses the caller interprets itself (e.g. 416 past the end of an MP4). */
  acceptStatuses?: readonly number[];
}

export async function fetchForProbe(ctx: ProbeContext, url: URL, options: ProbeFetchOptions): Promise<ProbeResponse> {
  if (ctx.deadlinePassed() || ctx.signal.aborted) {
    throw new ProbeFailure("transient", `probe time budget exhausted before fetching ${redactUrl(url)}`);
  }
  let response: ProbeResponse;
  try {
    response = await ctx.fetcher.fetch({
      url,
      headers: headersForHop(ctx.headers, ctx.origin, url),
      maxBytes: options.maxBytes,
      signal: ctx.signal,
      ...(options.range ? { range: options.range } : {}),
    });
  } catch (cause) {
    throw fetchFailure(cause, url);
  }
  const ok = response.status >= 200 && response.status < 300;
  if (!ok && !options.acceptStatuses?.includes(response.status)) {
    throw new ProbeFailure(
      failureForStatus(response.status),
      `upstream answered ${response.status} for ${redactUrl(response.url)}`,
    );
  }
  return response;
}

function fetchFailure(cause: unknown, url: URL): ProbeFailure {
  if (cause instanceof ProbeFetchError) {
    const kind = cause.kind === "network" || cause.kind === "timeout" ? "transient" : "unsupported";
    return new ProbeFailure(kind, cause.message, { cause });
  }
  return new ProbeFailure("transient", `fetching ${redactUrl(url)} failed`, { cause });
}

/** Decodes a manifest: UTF-8 only (spec §7), BOM dropped. */
export function decodeManifest(body: Uint8Array, what: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch (cause) {
    throw new ProbeFailure("unsupported", `${what} is not valid UTF-8`, { cause });
  }
}
