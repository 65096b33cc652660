// UserService.ListMyRooms (spec 02 §3.2): the rooms the caller belongs to, as creator or participant,
// with its role, effective permissions (admin bitspace) and visit statistics. Banned and closed rooms
// stay listed (04 §2.3); deleted ones are gone with their memberships.
import { and, count, eq, isNotNull, isNull, ne, type SQL, sql } from "drizzle-orm";
import { RoomMemberRole, roomMembers, rooms } from "../../../infra/db/schema/index.js";
import type { Actor } from "../../actor.js";
import { requireUser } from "../../auth/access.js";
import type { RoomRole } from "../../permissions/index.js";
import type { RoomLifecycleDeps } from "../lifecycle/lifecycle-deps.js";
import { loadRoomViews, type RoomView } from "../lifecycle/room-views.js";
import { type MemberRecord, toMemberRecord } from "../member-record.js";
import { escapeLike } from "./like-pattern.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./room-discovery.js";

export type MyRoomRelation = "ALL" | "CREATED" | "PARTICIPATING";
export type MyRoomSort =
  | "FREQUENT"
  | "LAST_VISITED_AT"
  | "JOINED_AT"
  | "CREATED_AT"
  | "UPDATED_AT"
  | "LAST_ACTIVITY_AT"
  | "NAME";

export interface ListMyRoomsQuery {
  relation: MyRoomRelation;
  status?: "ACTIVE" | "CLOSED" | undefined;
  search: string;
  sortBy: MyRoomSort;
  /** Unset: newest/most first, except NAME (A→Z). */
  direction?: "ASC" | "DESC" | undefined;
  page: number;
  pageSize: number;
}

export interface MyRoomItem {
  view: RoomView;
  member: MemberRecord;
  role: RoomRole;
  /** Admin bitspace. */
  effective: bigint;
  relation: Exclude<MyRoomRelation, "ALL">;
}

type Deps = Pick<RoomLifecycleDeps, "database" | "settings" | "clock" | "access" | "presence">;

export class MyRooms {
  constructor(private readonly deps: Deps) {}

  async list(actor: Actor, query: ListMyRoomsQuery): Promise<{ items: MyRoomItem[]; total: number }> {
    const user = requireUser(actor);
    const { database, settings, clock, access } = this.deps;
    const db = database.db;
    const pageSize = query.pageSize === 0 ? DEFAULT_PAGE_SIZE : Math.min(query.pageSize, MAX_PAGE_SIZE);
    const page = Math.max(query.page, 1);
    const where = and(...filters(user.userId, query));

    const [totalRow] = await db
      .select({ n: count() })
      .from(roomMembers)
      .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
      .where(where);
    const rows = await db
      .select({ member: roomMembers })
      .from(roomMembers)
      .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
      .where(where)
      .orderBy(...ordering(query))
      .limit(pageSize)
      .offset((page - 1) * pageSize);

    const members = new Map(rows.map((r) => [r.member.roomId, toMemberRecord(r.member)]));
    const views = await loadRoomViews(db, [...members.keys()], settings.current(), clock.now());
    const items: MyRoomItem[] = [];
    const presence = await this.deps.presence?.countsOf(views.map((v) => v.state.id));
    for (const found of views) {
      const counts = presence?.get(found.state.id);
      const view = counts === undefined ? found : { ...found, presence: counts };
      const member = members.get(view.state.id);
      if (member === undefined) continue;
      items.push({
        view,
        member,
        role: member.role,
        effective: access.effectiveFor(member.role, view.state, member),
        relation: member.role === "CREATOR" ? "CREATED" : "PARTICIPATING",
      });
    }
    return { items, total: totalRow?.n ?? 0 };
  }
}

function filters(userId: number, query: ListMyRoomsQuery): (SQL | undefined)[] {
  const out: (SQL | undefined)[] = [eq(roomMembers.userId, userId), isNull(rooms.deletedAt)];
  if (query.relation === "CREATED") out.push(eq(roomMembers.role, RoomMemberRole.creator));
  if (query.relation === "PARTICIPATING") out.push(ne(roomMembers.role, RoomMemberRole.creator));
  if (query.status === "ACTIVE") out.push(isNull(rooms.closedAt));
  if (query.status === "CLOSED") out.push(isNotNull(rooms.closedAt));
  const search = query.search.trim();
  if (search !== "") out.push(sql`${rooms.name} ILIKE ${`%${escapeLike(search)}%`}`);
  return out;
}

/** The chosen sort, then the room id in the same direction as the tiebreaker (02 §2.6). */
function ordering(query: ListMyRoomsQuery): SQL[] {
  const direction = query.direction ?? (query.sortBy === "NAME" ? "ASC" : "DESC");
  const dir = direction === "ASC" ? sql`ASC` : sql`DESC`;
  const by = (column: SQL | typeof rooms.name) => sql`${column} ${dir} NULLS LAST`;
  const keys: Record<MyRoomSort, SQL[]> = {
    FREQUENT: [by(sql`${roomMembers.visitCount}`), by(sql`${roomMembers.lastVisitedAt}`)],
    LAST_VISITED_AT: [by(sql`${roomMembers.lastVisitedAt}`)],
    JOINED_AT: [by(sql`${roomMembers.joinedAt}`)],
    CREATED_AT: [by(sql`${rooms.createdAt}`)],
    UPDATED_AT: [by(sql`${rooms.updatedAt}`)],
    LAST_ACTIVITY_AT: [by(sql`${rooms.lastActivityAt}`)],
    NAME: [by(sql`${rooms.name}`)],
  };
  return [...keys[query.sortBy], sql`${rooms.id} ${dir}`];
}
