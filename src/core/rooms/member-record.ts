// A stored room member (spec 06 §3.2 room_members); guests never have one.
import { and, eq } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";
import { roomMembers } from "../../infra/db/schema/index.js";
import type { MemberOverrides, RoomRole } from "../permissions/index.js";

export interface MemberRecord {
  roomId: number;
  userId: number;
  role: Exclude<RoomRole, "GUEST">;
  overrides: MemberOverrides;
  remarkName: string;
  displayTag: string;
  joinedAt: number;
  lastVisitedAt: number | null;
  visitCount: number;
  version: number;
}

const ROLE_BY_CODE = { 1: "CREATOR", 2: "ADMIN", 3: "MEMBER" } as const;
export const ROLE_CODE = { CREATOR: 1, ADMIN: 2, MEMBER: 3 } as const;

/** `lock`: FOR SHARE, for the strong checks of spec 04 §9.6 inside a write transaction. */
export async function loadMember(
  db: DbExecutor,
  roomId: number,
  userId: number,
  options: { lock?: "share" | "update" } = {},
): Promise<MemberRecord | null> {
  const query = db
    .select()
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
  const [row] = options.lock ? await query.for(options.lock) : await query;
  return row ? toMemberRecord(row) : null;
}

export function toMemberRecord(row: typeof roomMembers.$inferSelect): MemberRecord {
  return {
    roomId: row.roomId,
    userId: row.userId,
    role: ROLE_BY_CODE[row.role as 1 | 2 | 3],
    overrides: {
      added: row.addedPermissions,
      removed: row.removedPermissions,
      adminAdded: row.adminAddedPermissions,
      adminRemoved: row.adminRemovedPermissions,
    },
    remarkName: row.remarkName ?? "",
    displayTag: row.displayTag ?? "",
    joinedAt: row.joinedAt.getTime(),
    lastVisitedAt: row.lastVisitedAt?.getTime() ?? null,
    visitCount: row.visitCount,
    version: row.version,
  };
}
