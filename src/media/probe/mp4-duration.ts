// MP4 (ISO BMFF) duration (spec 07 §14.1): hop over top-level boxes with 16-byte ranged reads until `moov`,
// read its first 64 KiB and take mvhd's duration / timescale. Upstreams that ignore Range get a bounded scan.
import type { ProbeResponse } from "./http-probe-client.js";
import { fetchForProbe, type ProbeContext } from "./probe-context.js";
import { type DurationProbeResult, ProbeFailure, unsupported } from "./probe-result.js";

export const MAX_BOX_HOPS = 64;
export const BOX_HEADER_READ_BYTES = 16;
export const MOOV_READ_BYTES = 64 * 1024;
/** When Range is ignored, the 200 body is read this far and the download aborted. */
export const RANGE_IGNORED_SCAN_BYTES = 2 * 1024 * 1024;

export interface BoxHeader {
  type: string;
  /** Total box size including the header; undefined when the box runs to the end of the file (size 0). */
  size: number | undefined;
  headerSize: 8 | 16;
}

/**
 * Reads the box header at `offset`; undefined when `bytes` ends before the header does. Throws an
 * unsupported ProbeFailure for bytes that cannot be a box header.
 */
export function readBoxHeader(bytes: Uint8Array, offset: number): BoxHeader | undefined {
  if (offset + 8 > bytes.byteLength) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size32 = view.getUint32(offset);
  const type = boxType(bytes, offset + 4);
  if (size32 === 1) {
    if (offset + 16 > bytes.byteLength) return undefined;
    const largesize = view.getBigUint64(offset + 8);
    if (largesize < 16n || largesize > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw unsupported(`box ${type} has an invalid 64-bit size`);
    }
    return { type, size: Number(largesize), headerSize: 16 };
  }
  if (size32 === 0) return { type, size: undefined, headerSize: 8 };
  if (size32 < 8) throw unsupported(`box ${type} has an invalid size ${size32}`);
  return { type, size: size32, headerSize: 8 };
}

function boxType(bytes: Uint8Array, offset: number): string {
  const code = bytes.subarray(offset, offset + 4);
  // Box types are four printable characters (©-prefixed ones only occur deep inside udta).
  if (!code.every((byte) => byte >= 0x20 && byte <= 0x7e)) throw unsupported("not an MP4 (ISO BMFF) box structure");
  return String.fromCharCode(...code);
}

/** Children of a container payload that lie (at least partly) inside `bytes`. */
function* childBoxes(bytes: Uint8Array): Generator<{ header: BoxHeader; start: number; end: number }> {
  let offset = 0;
  for (;;) {
    const header = readBoxHeader(bytes, offset);
    if (!header) return;
    const end = header.size === undefined ? bytes.byteLength : offset + header.size;
    yield { header, start: offset, end };
    if (header.size === undefined) return;
    offset = end;
  }
}

/**
 * Seconds from a `moov` payload (the bytes after its header, possibly cut at 64 KiB): mvhd's duration, or
 * for fragmented files whose mvhd says 0, mvex/mehd's fragment duration.
 */
export function movieDurationFromMoov(payload: Uint8Array): number {
  let timescale: number | undefined;
  let duration: bigint | undefined;
  let fragmentDuration: bigint | undefined;
  for (const child of childBoxes(payload)) {
    const box = payload.subarray(child.start + child.header.headerSize, Math.min(child.end, payload.byteLength));
    if (child.header.type === "mvhd") {
      ({ timescale, duration } = readMvhd(box));
    } else if (child.header.type === "mvex") {
      for (const grandchild of childBoxes(box)) {
        if (grandchild.header.type !== "mehd") continue;
        const mehd = box.subarray(grandchild.start + grandchild.header.headerSize, grandchild.end);
        fragmentDuration = readMehd(mehd);
      }
    }
  }
  if (timescale === undefined) throw unsupported("moov has no mvhd within its first 64 KiB");
  const known = duration !== undefined && duration > 0n ? duration : fragmentDuration;
  if (known === undefined || known === 0n) throw unsupported("movie duration is unknown (0 or all ones)");
  return Number(known) / timescale;
}

function readMvhd(box: Uint8Array): { timescale: number; duration: bigint | undefined } {
  // FullBox: version(1) flags(3); v0: creation(4) modification(4) timescale(4) duration(4);
  // v1: creation(8) modification(8) timescale(4) duration(8).
  const version = box[0];
  if (version !== 0 && version !== 1) throw unsupported(`mvhd version ${version} is not supported`);
  const timescaleAt = version === 1 ? 20 : 12;
  if (box.byteLength < timescaleAt + 4) throw unsupported("mvhd is truncated");
  const timescale = new DataView(box.buffer, box.byteOffset, box.byteLength).getUint32(timescaleAt);
  if (timescale === 0) throw unsupported("mvhd timescale is 0");
  return { timescale, duration: readDuration(box, timescaleAt + 4, version === 1 ? 8 : 4) };
}

function readMehd(box: Uint8Array): bigint | undefined {
  // FullBox: version(1) flags(3) fragment_duration(4 in v0, 8 in v1).
  return readDuration(box, 4, box[0] === 1 ? 8 : 4);
}

/** A big-endian duration field; undefined for the all-ones "unknown" value. */
function readDuration(box: Uint8Array, offset: number, width: 4 | 8): bigint | undefined {
  if (box.byteLength < offset + width) throw unsupported("duration field is truncated");
  const view = new DataView(box.buffer, box.byteOffset, box.byteLength);
  if (width === 8) {
    const value = view.getBigUint64(offset);
    return value === 0xffff_ffff_ffff_ffffn ? undefined : value;
  }
  const value = view.getUint32(offset);
  return value === 0xffff_ffff ? undefined : BigInt(value);
}

/** Duration from the first bytes of a file (the Range-ignored path): top-level walk inside the buffer. */
export function movieDurationFromPrefix(bytes: Uint8Array, complete: boolean): number {
  for (const box of childBoxes(bytes)) {
    if (box.header.type === "moov") {
      return movieDurationFromMoov(bytes.subarray(box.start + box.header.headerSize, Math.min(box.end, bytes.length)));
    }
  }
  throw unsupported(
    complete
      ? "file has no moov box"
      : `no moov box in the first ${bytes.byteLength} bytes and upstream ignores Range requests`,
  );
}

export async function probeMp4Duration(
  url: URL,
  ctx: ProbeContext,
  prefetched?: ProbeResponse,
): Promise<DurationProbeResult> {
  let target = url;
  let offset = 0;
  let total: number | undefined;
  for (let hop = 0; hop < MAX_BOX_HOPS; hop++) {
    if (total !== undefined && offset >= total) throw unsupported("reached the end of the file without a moov box");
    const response =
      hop === 0 && prefetched ? prefetched : await readRange(ctx, target, offset, offset + BOX_HEADER_READ_BYTES - 1);
    // Later reads go straight to the URL that answered, so a redirect chain is walked once, not per hop.
    target = response.url;
    if (response.status === 416) throw unsupported("reached the end of the file without a moov box");
    if (response.status !== 206) return regular(movieDurationFromPrefix(response.body, !response.truncated));
    total = checkContentRange(response, offset) ?? total;

    const header = readBoxHeader(response.body, 0);
    if (!header) throw unsupported(`file ends inside a box header at byte ${offset}`);
    if (header.type === "moov") {
      const end = offset + Math.min(header.size ?? MOOV_READ_BYTES, MOOV_READ_BYTES) - 1;
      const moov = await readRange(ctx, target, offset, end);
      if (moov.status !== 206) return regular(movieDurationFromPrefix(moov.body, !moov.truncated));
      checkContentRange(moov, offset);
      return regular(movieDurationFromMoov(moov.body.subarray(header.headerSize)));
    }
    if (header.size === undefined) throw unsupported(`box ${header.type} runs to the end of the file; no moov box`);
    offset += header.size;
  }
  throw unsupported(`no moov box within the first ${MAX_BOX_HOPS} top-level boxes`);
}

function readRange(ctx: ProbeContext, url: URL, start: number, end: number): Promise<ProbeResponse> {
  // maxBytes covers the Range-ignored case: a 200 body is scanned up to 2 MiB, then the download aborted.
  return fetchForProbe(ctx, url, { range: { start, end }, maxBytes: RANGE_IGNORED_SCAN_BYTES, acceptStatuses: [416] });
}

/** Verifies a 206 starts where asked; returns the total size when the server states it. */
function checkContentRange(response: ProbeResponse, offset: number): number | undefined {
  const match = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(response.headers.get("content-range")?.trim() ?? "");
  if (!match) throw unsupported("206 response without a valid Content-Range");
  if (Number(match[1]) !== offset) throw unsupported(`asked for byte ${offset}, upstream answered from ${match[1]}`);
  return match[3] === "*" ? undefined : Number(match[3]);
}

function regular(durationSeconds: number): DurationProbeResult {
  if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) {
    throw new ProbeFailure("unsupported", "movie duration is not a positive number");
  }
  return { kind: "REGULAR", durationSeconds };
}
