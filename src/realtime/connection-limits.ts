// Connection budgets of this node (spec 03 §1.1): per actor, per room and in total. A slot is
// reserved during the upgrade, before the socket exists, and released exactly once on close.

export interface ConnectionLimitSettings {
  perActor: number;
  perRoom: number;
  perNode: number;
}

export class ConnectionLimits {
  readonly #byActor = new Map<string, number>();
  readonly #byRoom = new Map<number, number>();
  #total = 0;

  constructor(private readonly limits: ConnectionLimitSettings) {}

  /** A release function when a slot is free for (actor, room), else null. */
  reserve(actorKey: string, roomId: number): (() => void) | null {
    if (
      this.#total >= this.limits.perNode ||
      (this.#byRoom.get(roomId) ?? 0) >= this.limits.perRoom ||
      (this.#byActor.get(actorKey) ?? 0) >= this.limits.perActor
    ) {
      return null;
    }
    this.#total += 1;
    bump(this.#byRoom, roomId, 1);
    bump(this.#byActor, actorKey, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total -= 1;
      bump(this.#byRoom, roomId, -1);
      bump(this.#byActor, actorKey, -1);
    };
  }

  get total(): number {
    return this.#total;
  }
}

function bump<K>(map: Map<K, number>, key: K, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}
