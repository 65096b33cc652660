import { describe, expect, it } from "vitest";
import { ALL_PERMISSIONS, GUEST_CEILING, maskOf, namesOf } from "./bitspaces.js";
import { BUILT_IN_DEFAULTS, defaultsFromNames } from "./permission-defaults.js";
import { PERMISSIONS } from "./permission-names.js";

// The name lists seeded by drizzle/0002_settings_triggers_and_defaults.sql.
const SEEDED = {
  admin: PERMISSIONS.filter((p) => p !== "delete_room"),
  member: [
    "send_chat_messages",
    "manage_own_media",
    "browse_library",
    "view_members",
    "view_chat_history",
    "use_voice_chat",
    "use_p2p_media",
  ],
  guest: [],
};

describe("permission defaults", () => {
  it("built-in defaults equal the seeded runtime settings", () => {
    expect(defaultsFromNames(SEEDED)).toEqual(BUILT_IN_DEFAULTS);
    expect(namesOf("admin", BUILT_IN_DEFAULTS.member)).toEqual(SEEDED.member);
    expect(BUILT_IN_DEFAULTS.guest).toBe(0n);
  });

  it("ignores unknown names", () => {
    const defaults = defaultsFromNames({ admin: ["nope", "add_members"], member: ["Send_Chat"], guest: ["x"] });
    expect(defaults).toEqual({ admin: maskOf("admin", ["add_members"]), member: 0n, guest: 0n });
  });

  it("never gives admins delete_room by default", () => {
    expect(defaultsFromNames({ admin: [...PERMISSIONS], member: [], guest: [] }).admin).toBe(BUILT_IN_DEFAULTS.admin);
  });

  it("keeps only member-bitspace names for members, playback control included", () => {
    const defaults = defaultsFromNames({
      admin: [],
      member: ["delete_room", "manage_room_settings", "control_playback_state", "browse_library"],
      guest: [],
    });
    expect(namesOf("admin", defaults.member)).toEqual(["browse_library", "control_playback_state"]);
  });

  it("clamps guest defaults to the ceiling", () => {
    const defaults = defaultsFromNames({ admin: [], member: [], guest: [...PERMISSIONS] });
    expect(defaults.guest).toBe(GUEST_CEILING);
    expect(defaults.guest & ~ALL_PERMISSIONS).toBe(0n);
  });
});
