// The probe's HTTP client: hand-followed redirects (≤ 5) with the SSRF hook consulted before every hop,
// the header policy (provider headers + UA + Range only; credentials dropped across origins), byte caps.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createHttpProbeClient,
  PROBE_USER_AGENT,
  ProbeFetchError,
  probeDuration,
  redactUrl,
} from "../../src/media/probe/index.js";
import { fixtures } from "./support/media-fixtures.js";
import { type MediaServer, startMediaServer } from "./support/media-server.js";

let server: MediaServer;
let other: MediaServer;

beforeAll(async () => {
  [server, other] = await Promise.all([startMediaServer(), startMediaServer()]);
});
afterAll(() => Promise.all([server.close(), other.close()]));
beforeEach(() => {
  server.reset();
  other.reset();
});

function recordingHook(allow: (url: URL) => boolean = () => true) {
  const checked: string[] = [];
  return {
    checked,
    checkTarget: (url: URL) => {
      checked.push(url.pathname);
      return allow(url);
    },
  };
}

describe("redirects", () => {
  it("follows five redirects and checks every hop before contacting it", async () => {
    const hook = recordingHook();
    const fetcher = createHttpProbeClient({ checkTarget: hook.checkTarget });
    const start = server.redirectChain("five", 5, fixtures.mp4MoovAtStart.path);
    const response = await fetcher.fetch({ url: start, maxBytes: 16, range: { start: 0, end: 15 } });
    expect(response.status).toBe(206);
    expect(response.url.pathname).toBe(fixtures.mp4MoovAtStart.path);
    const hops = ["1", "2", "3", "4", "5"].map((n) => `/redirect-chain/five/${n}`);
    expect(hook.checked).toEqual([...hops, fixtures.mp4MoovAtStart.path]);
    expect(server.requests.map((request) => request.path)).toEqual([...hops, fixtures.mp4MoovAtStart.path]);
  });

  it("refuses a sixth redirect without fetching its target", async () => {
    const fetcher = createHttpProbeClient();
    const start = server.redirectChain("six", 6, fixtures.mp4MoovAtStart.path);
    await expect(fetcher.fetch({ url: start, maxBytes: 16 })).rejects.toMatchObject({ kind: "redirect" });
    expect(server.requestsFor(fixtures.mp4MoovAtStart.path)).toHaveLength(0);
    const result = await probeDuration(start, { fetcher });
    expect(result).toMatchObject({ error: "unsupported", message: expect.stringContaining("redirects") });
  });

  it("a hook that refuses a redirect target ends the probe before that target is fetched", async () => {
    const hook = recordingHook((url) => !url.pathname.endsWith(".mp4"));
    const fetcher = createHttpProbeClient({ checkTarget: hook.checkTarget });
    const result = await probeDuration(server.redirectChain("guarded", 2, fixtures.mp4MoovAtStart.path), { fetcher });
    expect(result).toMatchObject({ error: "unsupported", message: expect.stringContaining("refused") });
    expect(hook.checked).toEqual([
      "/redirect-chain/guarded/1",
      "/redirect-chain/guarded/2",
      fixtures.mp4MoovAtStart.path,
    ]);
    expect(server.requestsFor(fixtures.mp4MoovAtStart.path)).toHaveLength(0);
  });

  it("a hook that throws refuses the first URL with no request at all", async () => {
    const fetcher = createHttpProbeClient({
      checkTarget: () => {
        throw new Error("private address");
      },
    });
    await expect(fetcher.fetch({ url: server.url(fixtures.mp4MoovAtStart.path), maxBytes: 16 })).rejects.toSatisfy(
      (error) => error instanceof ProbeFetchError && error.kind === "blocked",
    );
    expect(server.requests).toHaveLength(0);
  });

  it("an asynchronous hook is awaited", async () => {
    const fetcher = createHttpProbeClient({ checkTarget: async () => false });
    const result = await probeDuration(server.url(fixtures.hlsMaster.path), { fetcher });
    expect(result).toMatchObject({ error: "unsupported" });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a redirect to a non-http scheme", async () => {
    server.redirect("/to-file", "file:///etc/passwd");
    const fetcher = createHttpProbeClient();
    await expect(fetcher.fetch({ url: server.url("/to-file"), maxBytes: 16 })).rejects.toMatchObject({
      kind: "invalid_url",
    });
  });

  it("probes through redirects, resolving HLS variants against the final URL", async () => {
    server.redirect("/watch/master", fixtures.hlsMaster.path, 301);
    const result = await probeDuration(server.url("/watch/master"), {
      fetcher: createHttpProbeClient(),
      format: "hls",
    });
    expect(result).toEqual({ kind: "REGULAR", durationSeconds: 2.5 });
    expect(server.requestsFor(fixtures.hlsVariant.path)).toHaveLength(1);
  });
});

describe("request headers", () => {
  it("sends the provider's headers, the probe User-Agent, identity encoding and the Range", async () => {
    const fetcher = createHttpProbeClient();
    await probeDuration(server.url(fixtures.mp4MoovAtStart.path), {
      fetcher,
      headers: { Authorization: "Bearer provider-token", Referer: "https://app.example/watch", Range: "bytes=9-" },
    });
    const first = server.requests[0]!;
    expect(first.headers["user-agent"]).toBe(PROBE_USER_AGENT);
    expect(first.headers.authorization).toBe("Bearer provider-token");
    expect(first.headers.referer).toBe("https://app.example/watch");
    expect(first.headers["accept-encoding"]).toBe("identity");
    expect(first.range).toBe("bytes=0-15");
  });

  it("keeps a User-Agent the provider chose", async () => {
    const fetcher = createHttpProbeClient();
    await probeDuration(server.url(fixtures.dashVod.path), { fetcher, headers: { "User-Agent": "Provider/2" } });
    expect(server.requests[0]?.headers["user-agent"]).toBe("Provider/2");
    expect(server.requests[0]?.headers["accept-encoding"]).toBe("identity");
  });

  it("drops credentials and trims Referer when a redirect changes origin", async () => {
    server.redirect("/cdn", other.url(fixtures.mp4MoovAtStart.path));
    const fetcher = createHttpProbeClient();
    const result = await probeDuration(server.url("/cdn"), {
      fetcher,
      format: "mp4",
      headers: { Authorization: "Bearer secret", Cookie: "session=1", Referer: "https://app.example/watch?id=7" },
    });
    expect(result).toEqual({ kind: "REGULAR", durationSeconds: 2.5 });
    expect(server.requests[0]?.headers.authorization).toBe("Bearer secret");
    for (const request of other.requests) {
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers.cookie).toBeUndefined();
      expect(request.headers.referer).toBe("https://app.example/");
    }
  });

  it("sends URL userinfo as Basic credentials instead of in the URL", async () => {
    const fetcher = createHttpProbeClient();
    const url = new URL(server.url(fixtures.hlsVariant.path));
    url.username = "alice";
    url.password = "s3cret";
    expect(await probeDuration(url, { fetcher })).toEqual({ kind: "REGULAR", durationSeconds: 2.5 });
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from("alice:s3cret").toString("base64")}`);
  });
});

describe("responses", () => {
  it("caps the body at maxBytes and says it was truncated", async () => {
    server.misbehave("ignore-range");
    const fetcher = createHttpProbeClient();
    const response = await fetcher.fetch({
      url: server.url(fixtures.mp4MoovAtEnd.path),
      range: { start: 0, end: 15 },
      maxBytes: 100,
    });
    expect(response.status).toBe(200);
    expect(response.body.byteLength).toBe(100);
    expect(response.truncated).toBe(true);
  });

  it("reports a body of exactly maxBytes as complete", async () => {
    const fetcher = createHttpProbeClient();
    const response = await fetcher.fetch({ url: server.url(fixtures.hlsVariant.path), maxBytes: 206 });
    expect(response.body.byteLength).toBe(206);
    expect(response.truncated).toBe(false);
  });

  it("error messages name the URL without its query string or credentials", async () => {
    server.misbehave("error-500");
    const fetcher = createHttpProbeClient();
    const result = await probeDuration(`${server.origin}/movie.mp4?X-Amz-Signature=abc123&token=t0p`, { fetcher });
    expect(result).toMatchObject({ error: "transient" });
    expect(JSON.stringify(result)).not.toMatch(/abc123|t0p/);
    expect(redactUrl("https://u:p@cdn.example/a/b.mp4?sig=1#x")).toBe("https://cdn.example/a/b.mp4");
  });
});

describe("MP4 walk behind a redirect", () => {
  it("walks the redirect chain once and reads the boxes from the final URL", async () => {
    const hook = recordingHook();
    const fetcher = createHttpProbeClient({ checkTarget: hook.checkTarget });
    const start = server.redirectChain("walk", 3, fixtures.mp4MoovAtEnd.path);
    expect(await probeDuration(start, { fetcher, format: "mp4" })).toEqual({ kind: "REGULAR", durationSeconds: 2.5 });
    expect(server.requests.filter((request) => request.path.startsWith("/redirect-chain/"))).toHaveLength(3);
    expect(server.requestsFor(fixtures.mp4MoovAtEnd.path)).toHaveLength(5);
    // Every request, redirect hop or box read, passed the hook first.
    expect(hook.checked).toHaveLength(server.requests.length);
  });
});
