// The HTTP client duration probes use (spec 07 §14.1, §7, §10): ranged GETs with a byte cap, timeouts,
// provider headers, and hand-followed redirects where every hop passes the injectable SSRF check.

export const PROBE_USER_AGENT = "SyncTV-duration-probe/1";
export const DEFAULT_PROBE_TIMEOUT_MS = 20_000;
export const MAX_PROBE_REDIRECTS = 5;

/**
 * Decides whether a URL may be fetched (the SSRF guard of spec §10, or a no-op when the guard is off).
 * Return false or throw to refuse; the target is then never contacted.
 */
export type CheckTarget = (url: URL) => boolean | Promise<boolean>;

export interface ProbeRequest {
  url: string | URL;
  /** Provider-chosen headers; only these (plus the UA, Accept-Encoding and Range) are sent. */
  headers?: Readonly<Record<string, string>>;
  /** Inclusive byte range; the reply may still be a 200 with the whole body if upstream ignores it. */
  range?: { start: number; end: number };
  /** Stop reading (and abort the download) after this many body bytes. */
  maxBytes: number;
  /** Cancels the request, e.g. the probe's overall deadline. */
  signal?: AbortSignal;
}

export interface ProbeResponse {
  status: number;
  /** The URL that answered, after redirects; relative references resolve against it. */
  url: URL;
  headers: Headers;
  body: Uint8Array;
  /** True when the body had more than `maxBytes` (or, for a 206, more than the range asked for). */
  truncated: boolean;
}

/** What `probeDuration` needs from HTTP; tests may pass a fake. */
export interface ProbeFetcher {
  fetch(request: ProbeRequest): Promise<ProbeResponse>;
}

export type ProbeFetchErrorKind = "network" | "timeout" | "blocked" | "redirect" | "invalid_url";

/** A request that produced no usable HTTP response. Messages carry redacted URLs only. */
export class ProbeFetchError extends Error {
  constructor(
    readonly kind: ProbeFetchErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ProbeFetchError";
  }
}

export interface HttpProbeClientOptions {
  /** Per request, covering headers and body; defaults to 20 s. */
  timeoutMs?: number;
  /** Sent when the provider chose no User-Agent; defaults to `SyncTV-duration-probe/1`. */
  userAgent?: string;
  /** SSRF hook, called for the first URL and every redirect target. Defaults to allowing all (guard off). */
  checkTarget?: CheckTarget;
  maxRedirects?: number;
  /** The underlying fetch; defaults to the global one. */
  fetchImpl?: typeof fetch;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];
// Headers we set ourselves or that would break byte accounting if a provider supplied them.
const RESERVED_HEADERS = new Set(["range", "host", "accept-encoding", "content-length", "connection"]);

/** Origin and path only: queries and userinfo often carry signatures or tokens, so they never reach logs. */
export function redactUrl(url: string | URL): string {
  try {
    const parsed = typeof url === "string" ? new URL(url) : url;
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "<invalid url>";
  }
}

/**
 * Headers for a follow-up request to `to` that the provider meant for `from`: when the origin changes,
 * credentials are dropped and Referer is cut to its origin (spec §7).
 */
export function headersForHop(headers: Readonly<Record<string, string>>, from: URL, to: URL): Record<string, string> {
  if (from.origin === to.origin) return { ...headers };
  const next: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (CREDENTIAL_HEADERS.includes(lower)) continue;
    if (lower === "referer") {
      next[name] = refererOrigin(value);
      continue;
    }
    next[name] = value;
  }
  return next;
}

function refererOrigin(value: string): string {
  try {
    return `${new URL(value).origin}/`;
  } catch {
    return "";
  }
}

export function createHttpProbeClient(options: HttpProbeClientOptions = {}): ProbeFetcher {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const userAgent = options.userAgent ?? PROBE_USER_AGENT;
  const checkTarget = options.checkTarget ?? (() => true);
  const maxRedirects = options.maxRedirects ?? MAX_PROBE_REDIRECTS;
  const fetchImpl = options.fetchImpl ?? fetch;

  return {
    async fetch(request) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      let url = parseHttpUrl(request.url);
      let headers = { ...(request.headers ?? {}) };
      for (let redirects = 0; ; redirects++) {
        await ensureAllowed(checkTarget, url);
        const response = await send(fetchImpl, url, headers, request, userAgent, signal);
        if (!REDIRECT_STATUSES.has(response.status)) {
          return await readBody(response, url, request, signal);
        }
        await response.body?.cancel().catch(() => undefined);
        if (redirects >= maxRedirects) {
          throw new ProbeFetchError("redirect", `more than ${maxRedirects} redirects from ${redactUrl(request.url)}`);
        }
        const location = response.headers.get("location");
        if (!location) throw new ProbeFetchError("redirect", `redirect without Location from ${redactUrl(url)}`);
        const next = parseHttpUrl(location, url);
        headers = headersForHop(headers, url, next);
        url = next;
      }
    },
  };
}

function parseHttpUrl(raw: string | URL, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch (cause) {
    throw new ProbeFetchError("invalid_url", "not a valid URL", { cause });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ProbeFetchError("invalid_url", `scheme ${url.protocol} is not allowed`);
  }
  return url;
}

async function ensureAllowed(checkTarget: CheckTarget, url: URL): Promise<void> {
  let allowed: boolean;
  try {
    allowed = await checkTarget(new URL(url));
  } catch (cause) {
    throw new ProbeFetchError("blocked", `target refused: ${redactUrl(url)}`, { cause });
  }
  if (!allowed) throw new ProbeFetchError("blocked", `target refused: ${redactUrl(url)}`);
}

async function send(
  fetchImpl: typeof fetch,
  url: URL,
  providerHeaders: Readonly<Record<string, string>>,
  request: ProbeRequest,
  userAgent: string,
  signal: AbortSignal,
): Promise<Response> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(providerHeaders)) {
    if (!RESERVED_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  }
  if (!headers.has("user-agent")) headers.set("user-agent", userAgent);
  // Byte offsets must refer to the stored representation, so no content coding. (fetch itself appends
  // `Accept-Encoding: identity` to ranged requests, so setting it there too would send it twice.)
  if (request.range) headers.set("range", `bytes=${request.range.start}-${request.range.end}`);
  else headers.set("accept-encoding", "identity");

  // fetch refuses URLs with userinfo; send it as Basic credentials instead.
  const target = new URL(url);
  if (target.username || target.password) {
    if (!headers.has("authorization")) {
      const userinfo = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
      headers.set("authorization", `Basic ${Buffer.from(userinfo).toString("base64")}`);
    }
    target.username = "";
    target.password = "";
  }

  try {
    return await fetchImpl(target, { method: "GET", headers, redirect: "manual", signal });
  } catch (cause) {
    throw failure(cause, signal, url);
  }
}

async function readBody(response: Response, url: URL, request: ProbeRequest, signal: AbortSignal) {
  const limit =
    response.status === 206 && request.range
      ? Math.min(request.maxBytes, request.range.end - request.range.start + 1)
      : request.maxBytes;
  const chunks: Uint8Array[] = [];
  let length = 0;
  let truncated = false;
  const reader = response.body?.getReader();
  try {
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = limit - length;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        length += room;
        truncated = true;
        break;
      }
      chunks.push(value);
      length += value.byteLength;
      if (length === limit) {
        truncated = !(await atEnd(reader));
        break;
      }
    }
  } catch (cause) {
    throw failure(cause, signal, url);
  } finally {
    // Abort the rest of the download: a server ignoring Range would otherwise stream the whole file.
    await reader?.cancel().catch(() => undefined);
  }
  return { status: response.status, url, headers: response.headers, body: concat(chunks, length), truncated };
}

/** After filling the buffer exactly: is there really nothing more? */
async function atEnd(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<boolean> {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    if (value.byteLength > 0) return false;
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function failure(cause: unknown, signal: AbortSignal, url: URL): ProbeFetchError {
  if (cause instanceof ProbeFetchError) return cause;
  if (signal.aborted) {
    return new ProbeFetchError("timeout", `timed out or cancelled fetching ${redactUrl(url)}`, { cause });
  }
  return new ProbeFetchError("network", `network error fetching ${redactUrl(url)}: ${describeCause(cause)}`, {
    cause,
  });
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause.cause as { code?: unknown } | undefined)?.code;
    return typeof code === "string" ? code : cause.message;
  }
  return String(cause);
}
