// The node-local view of realtime connections that playback workers schedule from (seed rule, 03 §3.5):
// which rooms have at least one connection on THIS process. Presence statistics are never a substitute.

/** Implemented by the realtime transport (uWebSockets.js) and, until then, by `LocalConnectionRegistry`. */
export interface ConnectionRuntime {
  /** Rooms with ≥ 1 realtime connection on this process, right now. */
  activeRoomIds(): ReadonlySet<number> | readonly number[];
}

/**
 * Counts connections per room in process memory. `connect` returns the release function so a
 * connection cannot be released twice or release someone else's count.
 */
export class LocalConnectionRegistry implements ConnectionRuntime {
  readonly #counts = new Map<number, number>();

  connect(roomId: number): () => void {
    this.#counts.set(roomId, (this.#counts.get(roomId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const remaining = (this.#counts.get(roomId) ?? 1) - 1;
      if (remaining > 0) this.#counts.set(roomId, remaining);
      else this.#counts.delete(roomId);
    };
  }

  connectionCount(roomId: number): number {
    return this.#counts.get(roomId) ?? 0;
  }

  activeRoomIds(): ReadonlySet<number> {
    // A copy: workers iterate it across awaits while connections come and go.
    return new Set(this.#counts.keys());
  }
}

/** The active rooms as a sorted array, whichever shape the runtime returns. */
export function activeRoomList(runtime: ConnectionRuntime): number[] {
  return [...runtime.activeRoomIds()].sort((a, b) => a - b);
}
