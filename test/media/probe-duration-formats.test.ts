// Duration probing of the committed ffmpeg fixtures over a local server: MP4 (moov first and last), HLS
// master/variant/live, DASH static/dynamic, and format sniffing when names and Content-Types mislead.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHttpProbeClient, probeDuration } from "../../src/media/probe/index.js";
import { FIXTURE_DURATION_TOLERANCE_SECONDS, fixtures, regularDuration } from "./support/media-fixtures.js";
import { type MediaServer, startMediaServer } from "./support/media-server.js";
import { box, concatBytes, ftyp, mvhd } from "./support/mp4-builder.js";

const fetcher = createHttpProbeClient();
const digits = -Math.log10(FIXTURE_DURATION_TOLERANCE_SECONDS * 2);
let server: MediaServer;

beforeAll(async () => {
  server = await startMediaServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe("duration of regular media", () => {
  it.each([
    ["an MP4 with moov at the start", fixtures.mp4MoovAtStart],
    ["an MP4 with moov at the end (after mdat)", fixtures.mp4MoovAtEnd],
    ["an HLS master playlist", fixtures.hlsMaster],
    ["an HLS media playlist", fixtures.hlsVariant],
    ["a static DASH MPD", fixtures.dashVod],
  ])("%s matches ffprobe", async (_, fixture) => {
    const result = await probeDuration(server.url(fixture.path), { fetcher });
    expect(regularDuration(result)).toBeCloseTo(fixture.durationSeconds, digits);
  });

  it("an HLS master is followed to its first variant, resolved relative to the master URL", async () => {
    await probeDuration(server.url(fixtures.hlsMaster.path), { fetcher });
    expect(server.requests.map((request) => request.path)).toEqual([fixtures.hlsMaster.path, fixtures.hlsVariant.path]);
  });

  it("an MP4 with moov at the end is found with a handful of 16-byte ranged reads", async () => {
    await probeDuration(server.url(fixtures.mp4MoovAtEnd.path), { fetcher });
    const ranges = server.requests.map((request) => request.range);
    // ftyp, free, mdat, moov headers, then moov itself.
    expect(ranges).toEqual(["bytes=0-15", "bytes=32-47", "bytes=40-55", "bytes=1940-1955", "bytes=1940-2822"]);
    expect(ranges.length).toBeLessThanOrEqual(64 + 1);
  });

  it("an MP4 with moov at the start needs only the first header and moov", async () => {
    await probeDuration(server.url(fixtures.mp4MoovAtStart.path), { fetcher });
    expect(server.requests.map((request) => request.range)).toEqual(["bytes=0-15", "bytes=32-47", "bytes=32-914"]);
  });
});

describe("live sources", () => {
  it("an HLS playlist without #EXT-X-ENDLIST is LIVE", async () => {
    expect(await probeDuration(server.url(fixtures.hlsLive.path), { fetcher })).toEqual({ kind: "LIVE" });
  });

  it('a DASH MPD with type="dynamic" is LIVE', async () => {
    expect(await probeDuration(server.url(fixtures.dashLive.path), { fetcher })).toEqual({ kind: "LIVE" });
  });

  it("an HLS master whose first variant is live is LIVE", async () => {
    server.serve("/live-master.m3u8", {
      bytes: new TextEncoder().encode("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhls-live/index.m3u8\n"),
    });
    expect(await probeDuration(server.url("/live-master.m3u8"), { fetcher })).toEqual({ kind: "LIVE" });
  });
});

describe("format selection", () => {
  it.each([
    ["MP4", fixtures.mp4MoovAtEnd, "/opaque-media-id"],
    // Served beside the real master so its relative variant URI still resolves.
    ["HLS", fixtures.hlsMaster, "/hls-vod/opaque-media-id"],
    ["DASH", fixtures.dashVod, "/dash-vod/opaque-media-id"],
  ])("%s without an extension and with a wrong Content-Type is sniffed from its bytes", async (_, fixture, path) => {
    server.serve(path, { fixture: fixture.path });
    server.misbehave("wrong-content-type");
    const result = await probeDuration(server.url(path), { fetcher });
    expect(regularDuration(result)).toBeCloseTo(fixture.durationSeconds, digits);
  });

  it("the provider's format hint wins over a misleading extension", async () => {
    server.serve("/playlist.mp4", { fixture: fixtures.hlsVariant.path });
    const result = await probeDuration(server.url("/playlist.mp4"), { fetcher, format: "hls" });
    expect(regularDuration(result)).toBeCloseTo(2.5, digits);
  });

  it("the Content-Type decides when neither the name nor the first bytes do", async () => {
    // A file opening with a box type we do not list, labelled video/mp4.
    const clip = concatBytes([
      box("jumb", new Uint8Array(8)),
      ftyp(),
      box("moov", mvhd({ version: 0, timescale: 600, duration: 4_200n })),
    ]);
    server.serve("/clip", { bytes: clip }, "video/mp4");
    expect(await probeDuration(server.url("/clip"), { fetcher })).toEqual({ kind: "REGULAR", durationSeconds: 7 });
  });

  it("an XML document whose root is not in the first 16 bytes is read as DASH", async () => {
    const xml = '<?xml version="1.0" encoding="utf-8"?>\n<!-- <MPD type="static"> -->\n<MPD type="dynamic"/>';
    server.serve("/manifest", { bytes: new TextEncoder().encode(xml) }, "application/octet-stream");
    expect(await probeDuration(server.url("/manifest"), { fetcher })).toEqual({ kind: "LIVE" });
  });

  it.each(["mkv", "webm", "flv"])("a %s hint is unsupported without contacting upstream", async (format) => {
    const result = await probeDuration(server.url("/movie"), { fetcher, format });
    expect(result).toMatchObject({ error: "unsupported" });
    expect(server.requests).toHaveLength(0);
  });

  it("bytes that are no known format are unsupported", async () => {
    server.serve("/blob", { bytes: new Uint8Array(64).fill(0xab) });
    expect(await probeDuration(server.url("/blob"), { fetcher })).toMatchObject({ error: "unsupported" });
  });
});
