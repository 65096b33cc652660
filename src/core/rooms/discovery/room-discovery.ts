// GetRoomDiscovery and DiscoverRooms (spec 02 §3.3, 04 §5): what anyone, even anonymous, may learn
// about rooms and whether they can get in. Closed and banned rooms are hidden from everyone but
// their members and platform admins (who see UNAVAILABLE); settings are shown to members only.
import { and, count, desc, eq, isNull, notExists, or, type SQL, sql } from "drizzle-orm";
import type { DbExecutor } from "../../../infra/db/database-port.js";
import { rooms } from "../../../infra/db/schema/index.js";
import { ProfileStatus, userAccountProfiles } from "../../../infra/db/views/user-account-profiles.js";
import type { Actor } from "../../actor.js";
import { notFound } from "../../errors.js";
import { activeRoomBanOf } from "../active-room-ban.js";
import type { RoomLifecycleDeps } from "../lifecycle/lifecycle-deps.js";
import { loadRoomViews, type RoomView, viewOf } from "../lifecycle/room-views.js";
import { isPlatformAdmin } from "../room-access.js";
import { loadRoomState } from "../room-state.js";
import { canJoin, type DiscoveryAccess, discoveryAccess } from "./discovery-access.js";
import { escapeLike } from "./like-pattern.js";
import { NO_VIEWER_FACTS, type ViewerFacts, viewerFacts } from "./viewer-facts.js";

export interface DiscoveryItem {
  view: RoomView;
  joined: boolean;
  access: DiscoveryAccess;
  canJoin: boolean;
  /** Settings go to members only (02 §3.3). */
  includeSettings: boolean;
}

export interface DiscoverRoomsQuery {
  /** 1-based; 0 means 1. */
  page: number;
  /** 0 means 20; at most 100. */
  pageSize: number;
  search: string;
}

export interface DiscoveredRooms {
  items: DiscoveryItem[];
  total: number;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

type Deps = Pick<RoomLifecycleDeps, "database" | "settings" | "clock" | "guests" | "presence">;

export class RoomDiscovery {
  constructor(private readonly deps: Deps) {}

  async getOne(actor: Actor, roomId: number): Promise<DiscoveryItem> {
    const { database, settings, clock } = this.deps;
    const db = database.db;
    const now = clock.now();
    const state = await loadRoomState(db, roomId, settings.current(), now);
    if (state === null) throw notFound("Room not found");
    const facts = actor.kind === "user" ? await viewerFacts(db, actor.userId, [roomId], now) : NO_VIEWER_FACTS;
    const isMember = facts.memberOf.has(roomId);
    if ((state.closed || state.banned) && !isMember && !isPlatformAdmin(actor)) throw notFound("Room not found");
    const [item] = await this.#items(actor, [await viewOf(db, state)], facts);
    if (item === undefined) throw notFound("Room not found");
    return item;
  }

  /** Public, open, unbanned rooms whose creator is active, most recently active first. */
  async discover(actor: Actor, query: DiscoverRoomsQuery): Promise<DiscoveredRooms> {
    const { database, settings, clock } = this.deps;
    const db = database.db;
    const now = clock.now();
    const pageSize = query.pageSize === 0 ? DEFAULT_PAGE_SIZE : Math.min(query.pageSize, MAX_PAGE_SIZE);
    const page = Math.max(query.page, 1);
    const where = listedRooms(db, now, query.search.trim());

    const [totalRow] = await db
      .select({ n: count() })
      .from(rooms)
      .innerJoin(userAccountProfiles, eq(userAccountProfiles.id, rooms.createdBy))
      .where(where);
    const rows = await db
      .select({ id: rooms.id })
      .from(rooms)
      .innerJoin(userAccountProfiles, eq(userAccountProfiles.id, rooms.createdBy))
      .where(where)
      .orderBy(desc(rooms.lastActivityAt), desc(rooms.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    const roomIds = rows.map((r) => r.id);
    const views = await loadRoomViews(db, roomIds, settings.current(), now);
    const facts = actor.kind === "user" ? await viewerFacts(db, actor.userId, roomIds, now) : NO_VIEWER_FACTS;
    return { items: await this.#items(actor, views, facts), total: totalRow?.n ?? 0 };
  }

  async #items(actor: Actor, views: readonly RoomView[], facts: ViewerFacts): Promise<DiscoveryItem[]> {
    const anonymous = actor.kind === "anonymous" || actor.kind === "guest";
    const items: DiscoveryItem[] = [];
    const presence = await this.deps.presence?.countsOf(views.map((v) => v.state.id));
    for (const found of views) {
      const counts = presence?.get(found.state.id);
      const view = counts === undefined ? found : { ...found, presence: counts };
      const { state } = view;
      const isMember = facts.memberOf.has(state.id);
      // The guest conditions have one owner (GuestAdmission); only anonymous viewers need them.
      const guestAdmits = anonymous ? ((await this.deps.guests.roomState(state.id))?.admits ?? false) : false;
      const access = discoveryAccess({
        unavailable: state.banned || state.closed || !state.creatorActive,
        anonymous,
        isMember,
        guestAdmits,
        inCooldown: facts.coolingDownIn.has(state.id),
        pendingReview: facts.pendingIn.has(state.id),
        hasPassword: state.hasPassword,
        allowAutoJoin: state.settings.allowAutoJoin,
        requireApproval: state.settings.requireApproval,
        maxMembers: state.settings.maxMembers,
        memberCount: state.memberCount,
      });
      items.push({ view, joined: isMember, access, canJoin: canJoin(access), includeSettings: isMember });
    }
    return items;
  }
}

function listedRooms(db: DbExecutor, now: number, search: string): SQL | undefined {
  const activeBan = activeRoomBanOf(db, now);
  const conditions: (SQL | undefined)[] = [
    isNull(rooms.deletedAt),
    eq(rooms.isPublic, true),
    isNull(rooms.closedAt),
    isNull(userAccountProfiles.deletedAt),
    eq(userAccountProfiles.status, ProfileStatus.active),
    notExists(activeBan),
  ];
  if (search !== "") {
    const pattern = `%${escapeLike(search)}%`;
    conditions.push(or(sql`${rooms.name} ILIKE ${pattern}`, sql`${rooms.description} ILIKE ${pattern}`));
  }
  return and(...conditions);
}
