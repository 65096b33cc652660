import { describe, expect, it } from "vitest";
import type { DomainError } from "../../errors.js";
import { normalizeDirectUrlSource } from "./direct-url-normalization.js";
import { checkSsrfTarget, SSRF_DISABLED, type SsrfPolicy } from "./ssrf-target-check.js";

const one = (url: string, headers: Record<string, string> = {}) => ({ medias: [{ name: "", url, headers }] });

function violations(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).fieldViolations.map((v) => v.rule);
  }
  throw new Error("expected INVALID_ARGUMENT");
}

describe("direct URL normalisation", () => {
  it("detects formats from the path extension, explicit values winning", () => {
    const formats = ["a.m3u8", "a.mpd", "a.flv", "a.m4v", "a.mov", "a.mkv", "a.webm", "a.avi", "stream"].map(
      (f) => normalizeDirectUrlSource(one(`https://x.example/${f}?t=1`), SSRF_DISABLED).medias[0]?.format,
    );
    expect(formats).toEqual(["hls", "dash", "flv", "mp4", "mp4", "mkv", "webm", "video", "video"]);
    const explicit = normalizeDirectUrlSource(
      { medias: [{ name: "", url: "https://x.example/a.mp4", headers: {}, format: "hls" }] },
      SSRF_DISABLED,
    );
    expect(explicit.medias[0]?.format).toBe("hls");
  });

  it("classifies file containers and known durations REGULAR, leaves HLS to the probe", () => {
    expect(normalizeDirectUrlSource(one("https://x.example/a.mp4"), SSRF_DISABLED).playbackKind).toBe("regular");
    expect(normalizeDirectUrlSource(one("https://x.example/a.m3u8"), SSRF_DISABLED).playbackKind).toBe("unknown");
    expect(
      normalizeDirectUrlSource({ ...one("https://x.example/a.m3u8"), durationSeconds: 60 }, SSRF_DISABLED).playbackKind,
    ).toBe("regular");
  });

  it("rejects schemes, forbidden or broken headers, bad indexes and a LIVE duration", () => {
    expect(violations(() => normalizeDirectUrlSource(one("file:///etc/passwd"), SSRF_DISABLED))).toEqual(["scheme"]);
    expect(
      violations(() =>
        normalizeDirectUrlSource(
          one("https://x.example/a.mp4", { Host: "a", "sec-fetch-mode": "b", "x-forwarded-for": "c", ok: "a\r\nb" }),
          SSRF_DISABLED,
        ),
      ),
    ).toEqual(["forbidden_header", "forbidden_header", "forbidden_header", "header_value"]);
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`h${i}`, "v"]));
    expect(violations(() => normalizeDirectUrlSource(one("https://x.example/a", many), SSRF_DISABLED))).toContain(
      "max_headers",
    );
    expect(
      violations(() => normalizeDirectUrlSource(one("https://x.example/a", { big: "x".repeat(9000) }), SSRF_DISABLED)),
    ).toContain("max_header_bytes");
    expect(
      violations(() =>
        normalizeDirectUrlSource({ ...one("https://x.example/a"), defaultMediaIndex: 1 }, SSRF_DISABLED),
      ),
    ).toEqual(["index"]);
    expect(
      violations(() =>
        normalizeDirectUrlSource(
          { ...one("https://x.example/a"), playbackKind: "live", durationSeconds: 10 },
          SSRF_DISABLED,
        ),
      ),
    ).toEqual(["live"]);
  });
});

describe("static SSRF rules", () => {
  const on: SsrfPolicy = { ...SSRF_DISABLED, enabled: true };
  const allowed = (url: string, policy = on) => checkSsrfTarget(new URL(url), policy).allowed;

  it("deny loopback, metadata and private targets when enabled, allow public ones on allowed ports", () => {
    expect(allowed("http://127.0.0.1/a")).toBe(false);
    expect(allowed("http://[::ffff:127.0.0.1]/a")).toBe(false);
    expect(allowed("http://[2002:a00:1::]/a")).toBe(false);
    expect(allowed("http://10.1.2.3/a")).toBe(false);
    expect(allowed("http://metadata.google.internal/a")).toBe(false);
    expect(allowed("http://foo.localhost/a")).toBe(false);
    expect(allowed("https://cdn.example.com/a")).toBe(true);
    expect(allowed("https://cdn.example.com:9999/a")).toBe(false);
    expect(allowed("http://127.0.0.1/a", SSRF_DISABLED)).toBe(true);
  });

  it("unlock private ranges by option or allowed range, never loopback through allowed hosts", () => {
    expect(allowed("http://10.1.2.3/a", { ...on, allowPrivateNetworkTargets: true })).toBe(true);
    expect(allowed("http://127.0.0.1:1234/a", { ...on, allowedIpRanges: ["127.0.0.1/32"] })).toBe(true);
    expect(allowed("http://127.0.0.1/a", { ...on, allowedHosts: ["127.0.0.1"] })).toBe(false);
    expect(allowed("http://192.168.1.5/a", { ...on, allowedHosts: ["192.168.1.5"] })).toBe(true);
  });
});
