import { describe, expect, it } from "vitest";
import type { PresenceIdentity } from "./presence-identity.js";
import { countsOf, decodeNodeEntry, encodeNodeEntry, mergeNodeEntries } from "./room-presence-entries.js";

const alice: PresenceIdentity = { kind: "user", userId: 1, username: "alice", role: "ADMIN" };
const guest: PresenceIdentity = { kind: "guest", guestId: "gst_xyz", username: "Guest-XYZ", role: "GUEST" };

describe("room presence entries", () => {
  it("a node's field round-trips its identities and connection counts", () => {
    const raw = encodeNodeEntry([
      { identity: alice, connections: 2 },
      { identity: guest, connections: 0 },
    ]);
    expect(decodeNodeEntry(raw)).toEqual([
      { identity: alice, connections: 2 },
      { identity: guest, connections: 0 },
    ]);
  });

  it("merging nodes counts a person once and adds up connections; a node can be left out", () => {
    const fields = new Map([
      ["a", encodeNodeEntry([{ identity: alice, connections: 1 }])],
      [
        "b",
        encodeNodeEntry([
          { identity: alice, connections: 2 },
          { identity: guest, connections: 1 },
        ]),
      ],
    ]);
    const merged = mergeNodeEntries(fields);
    expect(merged.get("u:1")?.connections).toBe(3);
    expect([...(merged.get("u:1")?.nodes ?? [])]).toEqual(["a", "b"]);
    expect(countsOf(merged.values(), 5)).toEqual({
      onlineMemberCount: 1,
      onlineGuestCount: 1,
      connectionCount: 4,
      sampledAt: 5,
    });
    expect(mergeNodeEntries(fields, "b").has("g:gst_xyz")).toBe(false);
  });

  it("malformed fields contribute nothing instead of failing the read", () => {
    expect(decodeNodeEntry("not json")).toEqual([]);
    expect(decodeNodeEntry('{"k":"u"}')).toEqual([]);
    expect(decodeNodeEntry('[{"k":"u","i":"7"},null,{"k":"g","i":"gst_a","c":-3,"r":"ROOT"}]')).toEqual([
      { identity: { kind: "guest", guestId: "gst_a", username: "", role: "GUEST" }, connections: 0 },
    ]);
  });
});
