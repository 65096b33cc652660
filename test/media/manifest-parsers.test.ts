// The pure readers behind the probe: ISO-8601 durations, MPD root attributes, HLS playlists, moov/mvhd.
import { describe, expect, it } from "vitest";
import {
  movieDurationFromMoov,
  parseDashManifest,
  parseHlsPlaylist,
  parseIsoDuration,
} from "../../src/media/probe/index.js";
import { box, concatBytes, mehd, mvhd, u32 } from "./support/mp4-builder.js";

describe("ISO-8601 durations", () => {
  it.each([
    ["PT1M3.5S", 63.5],
    ["P0DT1H", 3600],
    ["PT2.5S", 2.5],
    ["PT0S", 0],
    ["P1D", 86_400],
    ["P1W", 604_800],
    ["PT1.5H", 5400],
    ["P0Y0M0DT0H3M30.000S", 210],
    [" PT10S ", 10],
  ])("%s is %d s", (text, seconds) => {
    expect(parseIsoDuration(text)).toBe(seconds);
  });

  it.each(["", "P", "PT", "P1DT", "1H", "-PT1S", "PT1H2X", "P1Y", "P2M", "PT1,5S"])("%j is rejected", (text) => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });
});

describe("MPD reading", () => {
  it("reads a namespace-prefixed root with single-quoted attributes", () => {
    const xml = `<?xml version="1.0"?><dash:MPD xmlns:dash="urn:mpeg:dash:schema:mpd:2011" type='static' mediaPresentationDuration='PT1M3.5S'/>`;
    expect(parseDashManifest(xml)).toEqual({ live: false, durationSeconds: 63.5 });
  });

  it("ignores commented-out markup", () => {
    const xml = `<!-- <MPD type="dynamic"> --><MPD mediaPresentationDuration="PT4S"></MPD>`;
    expect(parseDashManifest(xml)).toEqual({ live: false, durationSeconds: 4 });
  });

  it("treats type=dynamic as live even with a duration", () => {
    expect(parseDashManifest(`<MPD type="dynamic" mediaPresentationDuration="PT4S"/>`)).toEqual({ live: true });
  });

  it("sums Period durations when the MPD declares none", () => {
    const xml = `<MPD type="static"><Period duration="PT30S"></Period><Period id="2" duration="PT1M"/></MPD>`;
    expect(parseDashManifest(xml)).toEqual({ live: false, durationSeconds: 90 });
  });

  it("does not mistake a longer element name for MPD", () => {
    expect(() => parseDashManifest(`<MPDX mediaPresentationDuration="PT4S"/>`)).toThrow(/no MPD/);
  });
});

describe("HLS playlist reading", () => {
  it("sums #EXTINF values with titles, CRLF line ends and a BOM", () => {
    const text = "\uFEFF#EXTM3U\r\n#EXTINF:4.004,Intro\r\na.ts\r\n#EXTINF:2,\r\nb.ts\r\n#EXT-X-ENDLIST\r\n";
    expect(parseHlsPlaylist(text)).toEqual({ type: "media", totalSeconds: 6.004, segmentCount: 2, ended: true });
  });

  it("picks the first variant of a master, skipping tags and blank lines", () => {
    const text = [
      "#EXTM3U",
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/en.m3u8"',
      "#EXT-X-STREAM-INF:BANDWIDTH=800000",
      "",
      "#EXT-X-SOMETHING-ELSE",
      "720p/index.m3u8",
      "#EXT-X-STREAM-INF:BANDWIDTH=200000",
      "360p/index.m3u8",
    ].join("\n");
    expect(parseHlsPlaylist(text)).toEqual({ type: "master", firstVariantUri: "720p/index.m3u8" });
  });

  it("an EVENT playlist that has not ended is not ended", () => {
    const text = "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:6,\na.ts\n";
    expect(parseHlsPlaylist(text)).toMatchObject({ type: "media", ended: false });
  });
});

describe("moov reading", () => {
  const payload = (...children: Uint8Array[]) => concatBytes(children);

  it("divides a version-0 mvhd duration by its timescale", () => {
    expect(movieDurationFromMoov(payload(mvhd({ version: 0, timescale: 1000, duration: 2500n })))).toBe(2.5);
  });

  it("reads a version-1 mvhd's 64-bit duration", () => {
    const moov = payload(mvhd({ version: 1, timescale: 48_000, duration: 48_000n * 7_200n }));
    expect(movieDurationFromMoov(moov)).toBe(7200);
  });

  it("finds mvhd after other children", () => {
    const moov = payload(box("udta"), mvhd({ version: 0, timescale: 10, duration: 15n }));
    expect(movieDurationFromMoov(moov)).toBe(1.5);
  });

  it("falls back to mehd when mvhd's duration is unknown (all ones)", () => {
    const moov = payload(mvhd({ version: 0, timescale: 1000, duration: 0xffff_ffffn }), box("mvex", mehd(8000n)));
    expect(movieDurationFromMoov(moov)).toBe(8);
  });

  it.each([
    ["no mvhd", payload(box("trak"))],
    ["a zero timescale", payload(mvhd({ version: 0, timescale: 0, duration: 10n }))],
    ["an unknown duration and no mehd", payload(mvhd({ version: 0, timescale: 1, duration: 0n }))],
    ["mvhd version 2", payload(box("mvhd", new Uint8Array([2, 0, 0, 0]), new Uint8Array(96)))],
    ["a truncated mvhd", mvhd({ version: 1, timescale: 1, duration: 1n }).subarray(0, 30)],
    ["a child smaller than its header", payload(u32(4), new TextEncoder().encode("mvhd"))],
  ])("rejects %s", (_, moov) => {
    expect(() => movieDurationFromMoov(moov)).toThrow();
  });
});
