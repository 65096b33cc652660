import { describe, expect, it } from "vitest";
import { activeRoomList, LocalConnectionRegistry } from "./connection-runtime.js";

describe("local connection registry", () => {
  it("a room is active while at least one of its connections is open", () => {
    const registry = new LocalConnectionRegistry();
    const first = registry.connect(7);
    const second = registry.connect(7);
    registry.connect(3);
    expect(activeRoomList(registry)).toEqual([3, 7]);
    first();
    expect(registry.connectionCount(7)).toBe(1);
    expect(activeRoomList(registry)).toEqual([3, 7]);
    second();
    expect(activeRoomList(registry)).toEqual([3]);
  });

  it("releasing the same connection twice does not release another one", () => {
    const registry = new LocalConnectionRegistry();
    const release = registry.connect(1);
    registry.connect(1);
    release();
    release();
    expect(registry.connectionCount(1)).toBe(1);
  });

  it("hands out a snapshot that later connections do not change", () => {
    const registry = new LocalConnectionRegistry();
    registry.connect(1);
    const snapshot = registry.activeRoomIds();
    registry.connect(2);
    expect([...snapshot]).toEqual([1]);
  });
});
