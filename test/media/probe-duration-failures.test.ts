// Unreachable, failing, slow and malformed sources: every one yields a classified error result
// (transient → retry soon, unsupported / not_found → UNAVAILABLE) and none throws.
import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHttpProbeClient, probeDuration } from "../../src/media/probe/index.js";
import { fixtures } from "./support/media-fixtures.js";
import { type MediaServer, startMediaServer } from "./support/media-server.js";

const fetcher = createHttpProbeClient();
let server: MediaServer;

beforeAll(async () => {
  server = await startMediaServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ready) => probe.listen(0, "127.0.0.1", ready));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

describe("transient failures", () => {
  it.each([
    ["MP4", fixtures.mp4MoovAtEnd.path],
    ["HLS", fixtures.hlsMaster.path],
    ["DASH", fixtures.dashVod.path],
  ])("a 500 from the %s upstream is transient", async (_, path) => {
    server.misbehave("error-500");
    expect(await probeDuration(server.url(path), { fetcher })).toMatchObject({ error: "transient" });
  });

  it("an upstream that never answers is transient once the probe's timeout passes", async () => {
    server.misbehave("hang");
    const started = Date.now();
    const result = await probeDuration(server.url(fixtures.mp4MoovAtEnd.path), { fetcher, timeoutMs: 200 });
    expect(result).toMatchObject({ error: "transient" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a body that stalls after the headers is transient once the client's timeout passes", async () => {
    server.misbehave("hang-body");
    const shortFetcher = createHttpProbeClient({ timeoutMs: 200 });
    const result = await probeDuration(server.url(fixtures.hlsVariant.path), { fetcher: shortFetcher });
    expect(result).toMatchObject({ error: "transient" });
  });

  it("an unreachable port is transient", async () => {
    const port = await closedPort();
    const result = await probeDuration(`http://127.0.0.1:${port}/movie.mp4`, { fetcher });
    expect(result).toMatchObject({ error: "transient", message: expect.stringContaining("ECONNREFUSED") });
  });

  it("a probe whose clock passes the budget between hops stops as transient", async () => {
    let now = 0;
    const clock = () => {
      now += 6_000; // every look at the clock costs 6 s of a 20 s budget
      return now;
    };
    const result = await probeDuration(server.url(fixtures.mp4MoovAtEnd.path), { fetcher, now: clock });
    expect(result).toMatchObject({ error: "transient", message: expect.stringContaining("budget") });
    expect(server.requests.length).toBeLessThan(4);
  });

  it("a caller's abort signal ends the probe as transient", async () => {
    server.misbehave("hang");
    const controller = new AbortController();
    const pending = probeDuration(server.url(fixtures.dashVod.path), { fetcher, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ error: "transient" });
  });
});

describe("permanent failures", () => {
  it("a 404 is not_found", async () => {
    expect(await probeDuration(server.url("/gone.mp4"), { fetcher })).toMatchObject({ error: "not_found" });
  });

  it("an HLS master whose first variant is missing is not_found", async () => {
    server.serve("/dangling.m3u8", {
      bytes: new TextEncoder().encode("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nnope.m3u8\n"),
    });
    expect(await probeDuration(server.url("/dangling.m3u8"), { fetcher })).toMatchObject({ error: "not_found" });
  });

  it.each([
    ["not a URL", "::::"],
    ["a non-http scheme", "ftp://127.0.0.1/movie.mp4"],
    ["a file URL", "file:///etc/passwd"],
  ])("%s is unsupported without a request", async (_, url) => {
    expect(await probeDuration(url, { fetcher })).toMatchObject({ error: "unsupported" });
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ["an HLS playlist with a non-numeric #EXTINF", "#EXTM3U\n#EXTINF:abc,\na.ts\n#EXT-X-ENDLIST\n", "x.m3u8"],
    ["an HLS VOD playlist without segments", "#EXTM3U\n#EXT-X-ENDLIST\n", "x.m3u8"],
    ["a text file behind an .m3u8 name", "hello", "x.m3u8"],
    ["an MPD without any duration", '<MPD type="static"><Period/></MPD>', "x.mpd"],
    ["an MPD with a malformed duration", '<MPD mediaPresentationDuration="PT1H2X"/>', "x.mpd"],
  ])("%s is unsupported", async (_, text, name) => {
    server.serve(`/${name}`, { bytes: new TextEncoder().encode(text) });
    expect(await probeDuration(server.url(`/${name}`), { fetcher })).toMatchObject({ error: "unsupported" });
  });

  it("a playlist larger than 2 MiB is unsupported", async () => {
    const huge = `#EXTM3U\n${"#EXTINF:1.0,\nsegment.ts\n".repeat(100_000)}#EXT-X-ENDLIST\n`;
    server.serve("/huge.m3u8", { bytes: new TextEncoder().encode(huge) });
    const result = await probeDuration(server.url("/huge.m3u8"), { fetcher });
    expect(result).toMatchObject({ error: "unsupported", message: expect.stringContaining("larger") });
  });

  it("a manifest that is not UTF-8 is unsupported", async () => {
    server.serve("/latin1.m3u8", { bytes: new Uint8Array([...new TextEncoder().encode("#EXTM3U\n#"), 0xff, 0xfe]) });
    expect(await probeDuration(server.url("/latin1.m3u8"), { fetcher })).toMatchObject({ error: "unsupported" });
  });
});

describe("a fake fetcher", () => {
  it("that throws something unexpected still yields a result", async () => {
    const broken = {
      fetch: () => {
        throw new TypeError("boom");
      },
    };
    const result = await probeDuration("http://upstream.invalid/movie.mp4", { fetcher: broken });
    expect(result).toMatchObject({ error: "transient" });
  });
});
