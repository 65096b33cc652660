// A member as a viewer sees it: the row, the username, the effective mask, and whether the override
// masks may be shown (only to the member itself or to holders of manage_member_permissions, 02 §3.3).
import { eq, inArray } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";
import { users } from "../../infra/db/schema/index.js";
import { has } from "../permissions/index.js";
import type { MemberRecord } from "../rooms/member-record.js";
import type { RoomAccess, RoomContext } from "../rooms/room-access.js";
import type { RoomState } from "../rooms/room-state.js";

export interface MemberView {
  member: MemberRecord;
  username: string;
  /** Admin bitspace. */
  effective: bigint;
  showOverrides: boolean;
  /** Live presence (ListRoomMembers): online, possibly held for a resume with no connection. */
  presence?: { isOnline: boolean; connectionCount: number };
}

/** Who is looking, for the override-visibility rule. */
export interface Viewer {
  userId: number | null;
  canManagePermissions: boolean;
}

export function viewerOf(ctx: RoomContext): Viewer {
  return {
    userId: ctx.member?.userId ?? null,
    canManagePermissions: has(ctx.effective, "manage_member_permissions"),
  };
}

/** The member looking at itself. */
export const selfViewer = (userId: number): Viewer => ({ userId, canManagePermissions: false });

export function memberView(
  access: RoomAccess,
  state: RoomState,
  member: MemberRecord,
  username: string,
  viewer: Viewer,
): MemberView {
  return {
    member,
    username,
    effective: access.effectiveFor(member.role, state, member),
    showOverrides: viewer.canManagePermissions || viewer.userId === member.userId,
  };
}

export async function usernameOf(db: DbExecutor, userId: number): Promise<string> {
  const [row] = await db.select({ username: users.username }).from(users).where(eq(users.id, userId));
  return row?.username ?? "";
}

export async function usernamesOf(db: DbExecutor, userIds: readonly number[]): Promise<Map<number, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(inArray(users.id, [...userIds]));
  return new Map(rows.map((r) => [r.id, r.username]));
}
