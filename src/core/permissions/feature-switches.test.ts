import { describe, expect, it } from "vitest";
import { featureSwitchFor } from "./feature-switches.js";
import { PERMISSIONS } from "./permission-names.js";

describe("feature switches", () => {
  it("gate sending chat, voice and p2p media only", () => {
    const switched = PERMISSIONS.flatMap((p) => {
      const key = featureSwitchFor(p);
      return key === undefined ? [] : [[p, key]];
    });
    expect(switched).toEqual([
      ["send_chat_messages", "chatEnabled"],
      ["use_voice_chat", "voiceChatEnabled"],
      ["use_p2p_media", "p2pMediaEnabled"],
    ]);
  });

  it("never switch off reading chat history", () => {
    expect(featureSwitchFor("view_chat_history")).toBeUndefined();
  });
});
