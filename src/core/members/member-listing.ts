// Reading members (02 §3.3): ListRoomMembers (view_members; page, search, role filter, sort) and
// GetSelfRoomMember (any member, also in banned or closed rooms). Presence (counters, is_online) comes
// from the node's PresenceTracker, room-wide across nodes.
import { and, asc, count, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import { roomMembers, users } from "../../infra/db/schema/index.js";
import type { Actor } from "../actor.js";
import { type MemberRecord, ROLE_CODE, toMemberRecord } from "../rooms/member-record.js";
import { requireMember, requirePermission } from "../rooms/room-access.js";
import { type MemberView, memberView, selfViewer, usernameOf, viewerOf } from "./member-views.js";
import type { MembershipDeps } from "./membership-deps.js";

export interface Page {
  offset: number;
  limit: number;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Page style of 02 §2.6: page 0 → 1, size 0 → 20, at most 100. */
export function pageOf(page: number, pageSize: number): Page {
  const limit = pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
  const number = page <= 0 ? 1 : page;
  return { offset: (number - 1) * limit, limit };
}

export type MemberSort = "JOINED_AT" | "USERNAME" | "ROLE";

export interface MemberListInput {
  roomId: number;
  page: Page;
  search: string;
  role?: MemberRecord["role"] | undefined;
  sortBy: MemberSort;
  descending: boolean;
}

export interface MemberPresence {
  onlineMemberCount: number;
  onlineGuestCount: number;
  connectionCount: number;
  sampledAt: number;
}

export interface MemberList {
  members: MemberView[];
  total: number;
  presence: MemberPresence;
}

/** `%` and `_` in a search are literal text, not patterns. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export class MemberListing {
  constructor(private readonly deps: MembershipDeps) {}

  async list(actor: Actor, input: MemberListInput): Promise<MemberList> {
    const { access, database, clock } = this.deps;
    const ctx = await access.enter(actor, input.roomId);
    requirePermission(ctx, "view_members");

    const m = roomMembers;
    const search = input.search.trim();
    const where = and(
      eq(m.roomId, input.roomId),
      input.role === undefined ? undefined : eq(m.role, ROLE_CODE[input.role]),
      search === ""
        ? undefined
        : or(ilike(users.username, `%${likeEscape(search)}%`), ilike(m.remarkName, `%${likeEscape(search)}%`)),
    );
    const direction = input.descending ? desc : asc;
    const primary: Record<MemberSort, SQL> = {
      JOINED_AT: direction(m.joinedAt),
      USERNAME: direction(sql`lower(${users.username})`),
      ROLE: direction(m.role),
    };
    const rows = await database.db
      .select({ member: m, username: users.username })
      .from(m)
      .innerJoin(users, eq(users.id, m.userId))
      .where(where)
      .orderBy(primary[input.sortBy], direction(m.userId))
      .limit(input.page.limit)
      .offset(input.page.offset);
    const [totalRow] = await database.db
      .select({ n: count() })
      .from(m)
      .innerJoin(users, eq(users.id, m.userId))
      .where(where);

    const viewer = viewerOf(ctx);
    const live = await this.deps.presence?.view(input.roomId);
    return {
      members: rows.map((r) => {
        const view = memberView(access, ctx.state, toMemberRecord(r.member), r.username, viewer);
        if (live === undefined) return view;
        const online = live.identities.get(`u:${r.member.userId}`);
        return { ...view, presence: { isOnline: online !== undefined, connectionCount: online?.connections ?? 0 } };
      }),
      total: Number(totalRow?.n ?? 0),
      presence: live?.counts ?? {
        onlineMemberCount: 0,
        onlineGuestCount: 0,
        connectionCount: 0,
        sampledAt: clock.now(),
      },
    };
  }

  /** The caller's own row with its effective permissions; members keep it in banned or closed rooms. */
  async self(actor: Actor, roomId: number): Promise<MemberView> {
    const ctx = await this.deps.access.enter(actor, roomId, { exception: "member-read" });
    const member = requireMember(ctx);
    const username = await usernameOf(this.deps.database.db, member.userId);
    return memberView(this.deps.access, ctx.state, member, username, selfViewer(member.userId));
  }
}
