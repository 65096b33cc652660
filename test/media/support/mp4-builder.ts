// Builds synthetic ISO BMFF byte sequences for cases ffmpeg will not produce on demand: 64-bit box sizes,
// size-0 boxes, mvhd version 1, dozens of boxes before moov, fragmented files with mehd.

export function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const body = concatBytes(payload);
  return concatBytes([u32(8 + body.byteLength), ascii(type), body]);
}

/** A box with a 64-bit `largesize` header (size field 1). */
export function largeBox(type: string, ...payload: Uint8Array[]): Uint8Array {
  const body = concatBytes(payload);
  return concatBytes([u32(1), ascii(type), u64(16n + BigInt(body.byteLength)), body]);
}

/** A box whose size field is 0: it runs to the end of the file. */
export function openEndedBox(type: string, ...payload: Uint8Array[]): Uint8Array {
  return concatBytes([u32(0), ascii(type), ...payload]);
}

export function ftyp(): Uint8Array {
  return box("ftyp", ascii("isom"), u32(512), ascii("isomiso2avc1mp41"));
}

export function mvhd(options: { version: 0 | 1; timescale: number; duration: bigint }): Uint8Array {
  const times = options.version === 1 ? [u64(0n), u64(0n)] : [u32(0), u32(0)];
  const duration = options.version === 1 ? u64(options.duration) : u32(Number(options.duration));
  // rate, volume, reserved, matrix, pre_defined and next_track_id: content irrelevant to the probe.
  const rest = new Uint8Array(80);
  return box("mvhd", new Uint8Array([options.version, 0, 0, 0]), ...times, u32(options.timescale), duration, rest);
}

export function mehd(fragmentDuration: bigint): Uint8Array {
  return box("mehd", new Uint8Array([1, 0, 0, 0]), u64(fragmentDuration));
}

export function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

export function u64(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value);
  return bytes;
}

export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
