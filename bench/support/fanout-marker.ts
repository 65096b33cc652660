// How bench/fanout times a delivery without a shared clock service: the driver embeds its send time
// (epoch µs, same host clock as the clients) and a sequence number in a UUID-shaped marker that the
// server echoes verbatim (`client_operation_id` of PlaybackState; raw text for the bare baseline).
// Clients find it with one Buffer.indexOf, so JSON and protobuf frames are read the same way.

const PREFIX = "fa4047e0-";
const PREFIX_BYTES = Buffer.from(PREFIX);
const MARKER_LENGTH = 36;

/** Wall-clock time in µs with sub-ms resolution, comparable between processes on this host. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** A valid RFC 4122-shaped UUID carrying `sentAtMicros` (13 hex digits) and `seq` (11 hex digits). */
export function markerUuid(sentAtMicros: number, seq: number): string {
  const hex = sentAtMicros.toString(16).padStart(13, "0") + seq.toString(16).padStart(11, "0");
  return `${PREFIX}${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 24)}`;
}

export interface Marker {
  sentAtMicros: number;
  seq: number;
}

/** The first marker in a received frame, or null. */
export function readMarker(frame: Buffer): Marker | null {
  const at = frame.indexOf(PREFIX_BYTES);
  if (at < 0 || frame.length < at + MARKER_LENGTH) return null;
  const tail = frame.toString("latin1", at + PREFIX.length, at + MARKER_LENGTH).replaceAll("-", "");
  if (tail.length !== 24) return null;
  const sentAtMicros = Number.parseInt(tail.slice(0, 13), 16);
  const seq = Number.parseInt(tail.slice(13), 16);
  return Number.isFinite(sentAtMicros) && Number.isFinite(seq) ? { sentAtMicros, seq } : null;
}
