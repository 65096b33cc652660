import { describe, expect, it } from "vitest";
import { ConnectionLimits } from "./connection-limits.js";

describe("ConnectionLimits", () => {
  it("refuses the slot past each bound and frees it once on release", () => {
    const limits = new ConnectionLimits({ perActor: 2, perRoom: 3, perNode: 4 });
    const a1 = limits.reserve("user:1", 1);
    const a2 = limits.reserve("user:1", 1);
    expect(a1 && a2).toBeTruthy();
    expect(limits.reserve("user:1", 2)).toBeNull(); // per actor
    expect(limits.reserve("user:2", 1)).not.toBeNull();
    expect(limits.reserve("user:3", 1)).toBeNull(); // per room
    expect(limits.reserve("user:3", 2)).not.toBeNull();
    expect(limits.reserve("user:4", 3)).toBeNull(); // per node
    a1?.();
    a1?.();
    expect(limits.total).toBe(3);
    expect(limits.reserve("user:1", 2)).not.toBeNull();
  });
});
