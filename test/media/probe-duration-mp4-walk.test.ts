// The MP4 box walk against crafted files: 64-bit and open-ended boxes, mvhd v1, the 64-hop ceiling,
// truncated and foreign files, and upstreams that ignore Range (2 MiB scan, then the download is aborted).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createHttpProbeClient, probeDuration } from "../../src/media/probe/index.js";
import { fixtures, regularDuration } from "./support/media-fixtures.js";
import { type MediaServer, startMediaServer } from "./support/media-server.js";
import { box, concatBytes, ftyp, largeBox, mehd, mvhd, openEndedBox } from "./support/mp4-builder.js";

const fetcher = createHttpProbeClient();
let server: MediaServer;

beforeAll(async () => {
  server = await startMediaServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function probeBytes(bytes: Uint8Array) {
  server.serve("/synthetic.mp4", { bytes });
  return probeDuration(server.url("/synthetic.mp4"), { fetcher });
}

describe("MP4 box walk", () => {
  it("steps over an mdat with a 64-bit largesize and reads a version-1 mvhd", async () => {
    const duration = 5_000_000_000n; // needs 64 bits: 5000 s at 1 MHz
    const file = concatBytes([
      ftyp(),
      largeBox("mdat", new Uint8Array(300)),
      box("moov", mvhd({ version: 1, timescale: 1_000_000, duration })),
    ]);
    expect(await probeBytes(file)).toEqual({ kind: "REGULAR", durationSeconds: 5000 });
    expect(server.requests.map((request) => request.range)).toEqual([
      "bytes=0-15",
      "bytes=32-47",
      "bytes=348-363",
      "bytes=348-475",
    ]);
  });

  it("reads a trailing moov whose size field is 0 (runs to the end of the file)", async () => {
    const file = concatBytes([
      ftyp(),
      box("mdat", new Uint8Array(100)),
      openEndedBox("moov", mvhd({ version: 0, timescale: 90_000, duration: 1_350_000n })),
    ]);
    expect(await probeBytes(file)).toEqual({ kind: "REGULAR", durationSeconds: 15 });
  });

  it("reports unsupported when an open-ended mdat ends the file without a moov", async () => {
    const file = concatBytes([ftyp(), openEndedBox("mdat", new Uint8Array(100))]);
    expect(await probeBytes(file)).toMatchObject({ error: "unsupported" });
  });

  it("takes a fragmented file's duration from mvex/mehd when mvhd says 0", async () => {
    const moov = box("moov", mvhd({ version: 0, timescale: 1000, duration: 0n }), box("mvex", mehd(12_345n)));
    expect(await probeBytes(concatBytes([ftyp(), moov]))).toEqual({ kind: "REGULAR", durationSeconds: 12.345 });
  });

  it("gives up after 64 ranged hops when moov lies behind more boxes", async () => {
    const padding = Array.from({ length: 70 }, () => box("free", new Uint8Array(8)));
    const file = concatBytes([ftyp(), ...padding, box("moov", mvhd({ version: 0, timescale: 1, duration: 9n }))]);
    expect(await probeBytes(file)).toMatchObject({ error: "unsupported", message: expect.stringContaining("64") });
    expect(server.requests).toHaveLength(64);
  });

  it("finds moov behind 60 boxes, within the hop limit", async () => {
    const padding = Array.from({ length: 60 }, () => box("free", new Uint8Array(8)));
    const file = concatBytes([ftyp(), ...padding, box("moov", mvhd({ version: 0, timescale: 1, duration: 9n }))]);
    expect(await probeBytes(file)).toEqual({ kind: "REGULAR", durationSeconds: 9 });
    expect(server.requests.length).toBeLessThanOrEqual(64 + 1);
  });

  it("reports a truncated MP4 (cut inside mdat) as unsupported", async () => {
    const result = await probeDuration(server.url(fixtures.mp4Truncated.path), { fetcher });
    expect(result).toMatchObject({ error: "unsupported" });
  });

  it("reports a moov without mvhd as unsupported", async () => {
    expect(await probeBytes(concatBytes([ftyp(), box("moov", box("trak"))]))).toMatchObject({ error: "unsupported" });
  });

  it("reports a file ending inside a box header as unsupported", async () => {
    expect(await probeBytes(concatBytes([ftyp(), new Uint8Array([0, 0, 0])]))).toMatchObject({ error: "unsupported" });
  });

  it("reports non-MP4 bytes behind an .mp4 name as unsupported", async () => {
    const html = new TextEncoder().encode("<!doctype html><title>Login required</title>");
    expect(await probeBytes(html)).toMatchObject({ error: "unsupported" });
  });
});

describe("upstream ignoring Range", () => {
  it.each([
    ["moov at the start", fixtures.mp4MoovAtStart],
    ["moov at the end", fixtures.mp4MoovAtEnd],
  ])("still finds %s in the 200 body, with one request", async (_, fixture) => {
    server.misbehave("ignore-range");
    const result = await probeDuration(server.url(fixture.path), { fetcher });
    expect(regularDuration(result)).toBeCloseTo(fixture.durationSeconds, 1);
    expect(server.requests).toHaveLength(1);
  });

  it("finds a moov that starts within the first 2 MiB", async () => {
    const file = concatBytes([
      ftyp(),
      box("mdat", new Uint8Array(2 * 1024 * 1024 - 200)),
      box("moov", mvhd({ version: 0, timescale: 1000, duration: 61_500n })),
      box("free", new Uint8Array(1024 * 1024)),
    ]);
    server.misbehave("ignore-range");
    expect(await probeBytes(file)).toEqual({ kind: "REGULAR", durationSeconds: 61.5 });
  });

  it("reports unsupported when moov lies beyond 2 MiB, and aborts the download", async () => {
    const size = 16 * 1024 * 1024;
    const file = concatBytes([
      ftyp(),
      box("mdat", new Uint8Array(size)),
      box("moov", mvhd({ version: 0, timescale: 1, duration: 60n })),
    ]);
    server.misbehave("ignore-range");
    const result = await probeBytes(file);
    expect(result).toMatchObject({ error: "unsupported", message: expect.stringContaining("ignores Range") });
    await vi.waitFor(() => expect(server.requests[0]?.completed).toBe(false));
    expect(server.requests[0]?.bytesSent).toBeLessThan(size / 2);
  });
});
