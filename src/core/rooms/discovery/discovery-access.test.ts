import { describe, expect, it } from "vitest";
import { canJoin, type DiscoveryFacts, discoveryAccess } from "./discovery-access.js";

const open: DiscoveryFacts = {
  unavailable: false,
  anonymous: false,
  isMember: false,
  guestAdmits: false,
  inCooldown: false,
  pendingReview: false,
  hasPassword: false,
  allowAutoJoin: true,
  requireApproval: false,
  maxMembers: 10,
  memberCount: 1,
};

describe("discoveryAccess (04 §5): the first matching row wins", () => {
  const rows: [string, Partial<DiscoveryFacts>, string][] = [
    ["unavailable beats membership", { unavailable: true, isMember: true }, "UNAVAILABLE"],
    ["members enter whatever else holds", { isMember: true, hasPassword: true, memberCount: 99 }, "ENTER"],
    ["anonymous with guest admission", { anonymous: true, guestAdmits: true }, "GUEST"],
    ["anonymous without it", { anonymous: true, hasPassword: true }, "SIGN_IN"],
    ["cooldown beats a pending review", { inCooldown: true, pendingReview: true }, "COOLDOWN"],
    ["pending review beats a password", { pendingReview: true, hasPassword: true }, "PENDING_APPROVAL"],
    ["password beats invitation-only", { hasPassword: true, allowAutoJoin: false }, "PASSWORD"],
    ["invitation-only beats approval", { allowAutoJoin: false, requireApproval: true }, "INVITATION"],
    ["approval beats capacity", { requireApproval: true, memberCount: 10 }, "REQUEST_APPROVAL"],
    ["full at the limit", { memberCount: 10 }, "FULL"],
    ["0 means unlimited", { maxMembers: 0, memberCount: 10_000 }, "JOIN"],
    ["otherwise join", {}, "JOIN"],
  ];
  for (const [name, facts, access] of rows) {
    it(name, () => expect(discoveryAccess({ ...open, ...facts })).toBe(access));
  }

  it("can_join only for JOIN, PASSWORD and REQUEST_APPROVAL", () => {
    expect(["JOIN", "PASSWORD", "REQUEST_APPROVAL"].every((a) => canJoin(a as never))).toBe(true);
    expect(["FULL", "INVITATION", "ENTER", "GUEST", "SIGN_IN", "COOLDOWN"].some((a) => canJoin(a as never))).toBe(
      false,
    );
  });
});
