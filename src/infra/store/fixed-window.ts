// Fixed-window arithmetic for the in-process store. The Redis Lua script does the same with server
// time; windows start at multiples of windowMs since the epoch so every process agrees.

export interface WindowBounds {
  startMs: number;
  endMs: number;
}

export function windowBounds(nowMs: number, windowMs: number): WindowBounds {
  const startMs = nowMs - (nowMs % windowMs);
  return { startMs, endMs: startMs + windowMs };
}
