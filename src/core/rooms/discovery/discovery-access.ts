// `RoomDiscoveryItem.access` (spec 04 §5): the first matching row of the table, from facts about the
// room and the viewer gathered by the caller. Pure, so GetRoomDiscovery and DiscoverRooms agree.

export type DiscoveryAccess =
  | "UNAVAILABLE"
  | "ENTER"
  | "GUEST"
  | "SIGN_IN"
  | "COOLDOWN"
  | "PENDING_APPROVAL"
  | "PASSWORD"
  | "INVITATION"
  | "REQUEST_APPROVAL"
  | "FULL"
  | "JOIN";

export interface DiscoveryFacts {
  /** Banned, closed or creator inactive. */
  unavailable: boolean;
  /** No signed-in user: anonymous, or a guest token. */
  anonymous: boolean;
  isMember: boolean;
  /** Every guest condition of 04 §6 holds (only read for anonymous viewers). */
  guestAdmits: boolean;
  inCooldown: boolean;
  pendingReview: boolean;
  hasPassword: boolean;
  allowAutoJoin: boolean;
  requireApproval: boolean;
  maxMembers: number;
  memberCount: number;
}

export function discoveryAccess(f: DiscoveryFacts): DiscoveryAccess {
  if (f.unavailable) return "UNAVAILABLE";
  if (f.isMember) return "ENTER";
  if (f.anonymous) return f.guestAdmits ? "GUEST" : "SIGN_IN";
  if (f.inCooldown) return "COOLDOWN";
  if (f.pendingReview) return "PENDING_APPROVAL";
  if (f.hasPassword) return "PASSWORD";
  if (!f.allowAutoJoin) return "INVITATION";
  if (f.requireApproval) return "REQUEST_APPROVAL";
  if (f.maxMembers > 0 && f.memberCount >= f.maxMembers) return "FULL";
  return "JOIN";
}

/** `can_join` is true exactly for the rows a JoinRoom call can act on (§5). */
export const canJoin = (access: DiscoveryAccess) =>
  access === "JOIN" || access === "PASSWORD" || access === "REQUEST_APPROVAL";
