// A local stand-in for upstream media hosts: serves test/fixtures/media (and in-memory files) with real
// Range support, records every request, and can be switched into the misbehaviours probes must survive.
import { readFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";

export const MEDIA_FIXTURES_DIR = resolve(import.meta.dirname, "../../fixtures/media");

export type Misbehaviour =
  | "none"
  /** Answer ranged requests with 200 and the whole body. */
  | "ignore-range"
  | "error-500"
  /** Accept the request and never answer. */
  | "hang"
  /** Send headers and part of the body, then stall. */
  | "hang-body"
  /** Label everything text/html. */
  | "wrong-content-type";

export interface RecordedRequest {
  path: string;
  range: string | undefined;
  headers: IncomingHttpHeaders;
  /** Set when the response ends: false if the client went away before the body was complete. */
  completed?: boolean;
  /** Body bytes written before the response ended or the client left. */
  bytesSent?: number;
}

export interface MediaServer {
  origin: string;
  url(path: string): string;
  readonly requests: RecordedRequest[];
  requestsFor(path: string): RecordedRequest[];
  misbehave(mode: Misbehaviour): void;
  /** Serves bytes (or a fixture file) at a path of our choosing, e.g. one without an extension. */
  serve(path: string, source: { bytes: Uint8Array } | { fixture: string }, contentType?: string): void;
  /** `from` answers 302 to `to` (a path here or an absolute URL). */
  redirect(from: string, to: string, status?: number): void;
  /** `/redirect-chain/<name>/1 … /<hops>` then `target`; returns the first URL. */
  redirectChain(name: string, hops: number, target: string): string;
  reset(): void;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  ".mp4": "video/mp4",
  ".m3u8": "application/vnd.apple.mpegurl",
  ".mpd": "application/dash+xml",
  ".ts": "video/mp2t",
  ".m4s": "video/iso.segment",
};

export async function startMediaServer(root = MEDIA_FIXTURES_DIR): Promise<MediaServer> {
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, { source: { bytes: Uint8Array } | { fixture: string }; contentType?: string }>();
  const redirects = new Map<string, { to: string; status: number }>();
  let mode: Misbehaviour = "none";

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://local").pathname;
    const record: RecordedRequest = { path, range: req.headers.range, headers: req.headers };
    requests.push(record);
    res.on("close", () => {
      record.completed = res.writableFinished;
      record.bytesSent = bodyBytes(res);
    });
    void handle(path, req.headers.range, res).catch(() => res.destroy());
  });

  async function handle(path: string, range: string | undefined, res: ServerResponse) {
    if (mode === "hang") return;
    if (mode === "error-500") return end(res, 500, "upstream exploded");
    const redirect = redirects.get(path);
    if (redirect) {
      res.writeHead(redirect.status, { location: redirect.to });
      return res.end();
    }
    const file = await load(path);
    if (!file) return end(res, 404, "not found");
    const contentType = mode === "wrong-content-type" ? "text/html" : file.contentType;
    const total = file.bytes.byteLength;
    const wanted = mode === "ignore-range" ? undefined : parseRange(range, total);
    if (wanted === "unsatisfiable") {
      res.writeHead(416, { "content-range": `bytes */${total}` });
      return res.end();
    }
    const [start, end_] = wanted ?? [0, total - 1];
    const headers: Record<string, string | number> = {
      "content-type": contentType,
      "content-length": end_ - start + 1,
      "accept-ranges": mode === "ignore-range" ? "none" : "bytes",
    };
    if (wanted) headers["content-range"] = `bytes ${start}-${end_}/${total}`;
    res.writeHead(wanted ? 206 : 200, headers);
    const body = file.bytes.subarray(start, end_ + 1);
    if (mode === "hang-body") {
      res.write(body.subarray(0, Math.min(4, body.byteLength)));
      return;
    }
    await writeInChunks(res, body);
  }

  async function load(path: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined> {
    const route = routes.get(path);
    const fixture = route ? ("fixture" in route.source ? route.source.fixture : undefined) : path;
    const contentType = route?.contentType ?? CONTENT_TYPES[extname(fixture ?? path)] ?? "application/octet-stream";
    if (route && "bytes" in route.source) return { bytes: route.source.bytes, contentType };
    const file = normalize(join(root, decodeURIComponent(fixture ?? path)));
    if (!file.startsWith(root + sep)) return undefined;
    try {
      return { bytes: await readFile(file), contentType };
    } catch {
      return undefined;
    }
  }

  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: (path) => `${origin}${path}`,
    requests,
    requestsFor: (path) => requests.filter((request) => request.path === path),
    misbehave: (next) => {
      mode = next;
    },
    serve: (path, source, contentType) => {
      routes.set(path, contentType === undefined ? { source } : { source, contentType });
    },
    redirect: (from, to, status = 302) => {
      redirects.set(from, { to, status });
    },
    redirectChain(name, hops, target) {
      const hop = (n: number) => `/redirect-chain/${name}/${n}`;
      for (let n = 1; n <= hops; n++) redirects.set(hop(n), { to: n === hops ? target : hop(n + 1), status: 302 });
      return `${origin}${hop(1)}`;
    },
    reset: () => {
      requests.length = 0;
      mode = "none";
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function end(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { "content-type": "text/plain" });
  res.end(text);
}

/** Single `a-b`, `a-` or `-n` ranges; anything else is served whole, as many servers do. */
function parseRange(header: string | undefined, total: number): [number, number] | "unsatisfiable" | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    return suffix === 0 ? "unsatisfiable" : [Math.max(0, total - suffix), total - 1];
  }
  const start = Number(match[1]);
  if (start >= total) return "unsatisfiable";
  const end = match[2] === "" ? total - 1 : Math.min(Number(match[2]), total - 1);
  return end < start ? "unsatisfiable" : [start, end];
}

const sent = new WeakMap<ServerResponse, number>();

function bodyBytes(res: ServerResponse): number {
  return sent.get(res) ?? 0;
}

/** 64 KiB at a time, honouring back-pressure, so a client that aborts stops the transfer early. */
async function writeInChunks(res: ServerResponse, body: Uint8Array) {
  for (let offset = 0; offset < body.byteLength && !res.destroyed; offset += 65_536) {
    const chunk = body.subarray(offset, offset + 65_536);
    sent.set(res, (sent.get(res) ?? 0) + chunk.byteLength);
    if (!res.write(chunk)) {
      await new Promise<void>((resume) => {
        res.once("drain", resume);
        res.once("close", resume);
      });
    }
  }
  if (!res.destroyed) res.end();
}
