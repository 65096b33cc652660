// Room roles and their ranking (spec 04 §1). Rank decides who may act on whom: moderation and
// override edits need the actor to strictly outrank the target.

export type RoomRole = "CREATOR" | "ADMIN" | "MEMBER" | "GUEST";

/** Spec numbering: a lower number outranks a higher one. */
export const ROLE_RANK: Readonly<Record<RoomRole, number>> = {
  CREATOR: 1,
  ADMIN: 2,
  MEMBER: 3,
  GUEST: 4,
};

/** Whether `a` strictly outranks `b`; equal roles never outrank each other (an admin cannot act on an admin). */
export function outranks(a: RoomRole, b: RoomRole): boolean {
  return ROLE_RANK[a] < ROLE_RANK[b];
}
