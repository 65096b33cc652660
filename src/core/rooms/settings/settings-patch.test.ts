import { describe, expect, it } from "vitest";
import { defaultRuntimeSettings } from "../../settings/runtime-settings.js";
import { defaultRoomSettings } from "../room-settings-document.js";
import { applySettingsPatch, pathsOfSetFields } from "./settings-patch.js";

const defaults = defaultRoomSettings(defaultRuntimeSettings);
const current = {
  ...defaults,
  chatEnabled: false,
  maxMembers: 7,
  autoPlay: { enabled: false, mode: "SHUFFLE", delay: 9 },
} as const;

describe("applySettingsPatch", () => {
  it("masked fields take the patch value; masked-but-unset fields reset; unmasked fields stay", () => {
    const { next } = applySettingsPatch(current, defaults, { requireApproval: true, chatEnabled: true }, [
      "require_approval",
      "max_members",
    ]);
    expect(next.requireApproval).toBe(true);
    expect(next.maxMembers).toBe(100);
    expect(next.chatEnabled).toBe(false);
    expect(next.autoPlay).toEqual(current.autoPlay);
  });

  it("nested auto_play paths touch one sub-field; the whole auto_play path resets unset sub-fields", () => {
    const one = applySettingsPatch(current, defaults, { autoPlay: { delay: 42 } }, ["auto_play.delay"]).next;
    expect(one.autoPlay).toEqual({ enabled: false, mode: "SHUFFLE", delay: 42 });
    const whole = applySettingsPatch(current, defaults, { autoPlay: { delay: 42 } }, ["auto_play"]).next;
    expect(whole.autoPlay).toEqual({ enabled: true, mode: "SEQUENTIAL", delay: 42 });
  });

  it("reports every masked delta key, even when unchanged, for the permission rules", () => {
    const { deltaChange } = applySettingsPatch(current, defaults, { memberAddedPermissions: 3n }, [
      "member_added_permissions",
      "admin_removed_permissions",
      "chat_enabled",
    ]);
    expect(deltaChange).toEqual({ memberAdded: 3n, adminRemoved: 0n });
  });

  it("rejects empty masks, unknown paths and out-of-range values with INVALID_ARGUMENT", () => {
    const invalid = { kind: "INVALID_ARGUMENT", code: 3000 };
    expect(() => applySettingsPatch(current, defaults, {}, [])).toThrow(expect.objectContaining(invalid));
    expect(() => applySettingsPatch(current, defaults, {}, ["bogus"])).toThrow(expect.objectContaining(invalid));
    expect(() => applySettingsPatch(current, defaults, {}, ["auto_play.bogus"])).toThrow(
      expect.objectContaining(invalid),
    );
    expect(() => applySettingsPatch(current, defaults, { maxMembers: 10_001 }, ["max_members"])).toThrow(
      expect.objectContaining(invalid),
    );
    expect(() => applySettingsPatch(current, defaults, { autoPlay: { delay: 86_401 } }, ["auto_play.delay"])).toThrow(
      expect.objectContaining(invalid),
    );
    expect(applySettingsPatch(current, defaults, { maxMembers: 0 }, ["max_members"]).next.maxMembers).toBe(0);
  });
});

describe("pathsOfSetFields", () => {
  it("names exactly the fields a creation request sets", () => {
    expect(
      pathsOfSetFields({ chatEnabled: false, autoPlay: { mode: "REPEAT_ONE" }, guestAddedPermissions: 0n }),
    ).toEqual(["chat_enabled", "guest_added_permissions", "auto_play.mode"]);
    expect(pathsOfSetFields({})).toEqual([]);
  });
});
