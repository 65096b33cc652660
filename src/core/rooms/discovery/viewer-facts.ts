// What discovery needs to know about one signed-in viewer across a page of rooms, in three queries:
// memberships, running kick cooldowns and pending join reviews (spec 04 §5 rows 2, 4, 5).
import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import type { DbExecutor } from "../../../infra/db/database-port.js";
import { roomJoinRequests, roomMemberKickCooldowns, roomMembers } from "../../../infra/db/schema/index.js";

export interface ViewerFacts {
  memberOf: Set<number>;
  coolingDownIn: Set<number>;
  pendingIn: Set<number>;
}

export const NO_VIEWER_FACTS: ViewerFacts = { memberOf: new Set(), coolingDownIn: new Set(), pendingIn: new Set() };

export async function viewerFacts(
  db: DbExecutor,
  userId: number,
  roomIds: readonly number[],
  now: number,
): Promise<ViewerFacts> {
  if (roomIds.length === 0) return NO_VIEWER_FACTS;
  const ids = [...roomIds];
  const members = await db
    .select({ roomId: roomMembers.roomId })
    .from(roomMembers)
    .where(and(eq(roomMembers.userId, userId), inArray(roomMembers.roomId, ids)));
  const cooldowns = await db
    .select({ roomId: roomMemberKickCooldowns.roomId })
    .from(roomMemberKickCooldowns)
    .where(
      and(
        eq(roomMemberKickCooldowns.userId, userId),
        inArray(roomMemberKickCooldowns.roomId, ids),
        gt(roomMemberKickCooldowns.endsAt, new Date(now)),
      ),
    );
  const reviews = await db
    .select({ roomId: roomJoinRequests.roomId })
    .from(roomJoinRequests)
    .where(
      and(
        eq(roomJoinRequests.userId, userId),
        inArray(roomJoinRequests.roomId, ids),
        isNull(roomJoinRequests.reviewedAt),
      ),
    );
  return {
    memberOf: new Set(members.map((r) => r.roomId)),
    coolingDownIn: new Set(cooldowns.map((r) => r.roomId)),
    pendingIn: new Set(reviews.map((r) => r.roomId)),
  };
}
