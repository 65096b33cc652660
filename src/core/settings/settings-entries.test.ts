import { describe, expect, it } from "vitest";
import { defaultRuntimeSettings } from "./runtime-settings.js";
import { runtimeSettingsFromEntries } from "./settings-entries.js";

describe("runtimeSettingsFromEntries", () => {
  it("stored values replace the defaults they name", () => {
    const { settings } = runtimeSettingsFromEntries(
      new Map<string, unknown>([
        ["server.name", "Movie Night"],
        ["roomCreation.maxRoomsPerUser", 3],
        ["user.enableGuest", false],
      ]),
    );
    expect(settings.server.name).toBe("Movie Night");
    expect(settings.roomCreation.maxRoomsPerUser).toBe(3);
    expect(settings.user.enableGuest).toBe(false);
    expect(settings.chat).toEqual(defaultRuntimeSettings.chat);
  });

  it("a value of the wrong type is ignored and reported, never applied", () => {
    const { settings, ignored } = runtimeSettingsFromEntries(
      new Map<string, unknown>([
        ["roomCreation.maxRoomsPerUser", "ten"],
        ["server.name", null],
      ]),
    );
    expect(settings.roomCreation.maxRoomsPerUser).toBe(10);
    expect(settings.server.name).toBe("SyncTV");
    expect(ignored.sort()).toEqual(["roomCreation.maxRoomsPerUser", "server.name"]);
  });

  it("unknown keys are ignored silently", () => {
    const { settings, ignored } = runtimeSettingsFromEntries(new Map<string, unknown>([["nope.thing", 1]]));
    expect(settings).toEqual(defaultRuntimeSettings);
    expect(ignored).toEqual([]);
  });

  it("never mutates the shared defaults", () => {
    runtimeSettingsFromEntries(new Map<string, unknown>([["server.name", "Changed"]]));
    expect(defaultRuntimeSettings.server.name).toBe("SyncTV");
  });
});
