// Every live room, for platform administrators (management `room list`, AdminService in P2): private,
// closed and banned rooms included, newest first. Discovery (room-discovery.ts) is the public view.
import { and, count, desc, isNull, or, type SQL, sql } from "drizzle-orm";
import { rooms } from "../../../infra/db/schema/index.js";
import type { Actor } from "../../actor.js";
import { permissionDenied } from "../../errors.js";
import type { RoomLifecycleDeps } from "../lifecycle/lifecycle-deps.js";
import { loadRoomViews, type RoomView } from "../lifecycle/room-views.js";
import { isPlatformAdmin } from "../room-access.js";
import { escapeLike } from "./like-pattern.js";

export interface RoomDirectoryQuery {
  search: string;
  offset: number;
  limit: number;
}

type Deps = Pick<RoomLifecycleDeps, "database" | "settings" | "clock">;

export class RoomDirectory {
  constructor(private readonly deps: Deps) {}

  async list(actor: Actor, query: RoomDirectoryQuery): Promise<{ views: RoomView[]; total: number }> {
    if (!isPlatformAdmin(actor)) throw permissionDenied("Only platform administrators list every room");
    const db = this.deps.database.db;
    const search = query.search.trim();
    const conditions: (SQL | undefined)[] = [isNull(rooms.deletedAt)];
    if (search !== "") {
      const pattern = `%${escapeLike(search)}%`;
      conditions.push(or(sql`${rooms.name} ILIKE ${pattern}`, sql`${rooms.description} ILIKE ${pattern}`));
    }
    const where = and(...conditions);
    const [total] = await db.select({ n: count() }).from(rooms).where(where);
    const rows = await db
      .select({ id: rooms.id })
      .from(rooms)
      .where(where)
      .orderBy(desc(rooms.createdAt), desc(rooms.id))
      .limit(query.limit)
      .offset(query.offset);
    const views = await loadRoomViews(
      db,
      rows.map((r) => r.id),
      this.deps.settings.current(),
      this.deps.clock.now(),
    );
    return { views, total: total?.n ?? 0 };
  }
}
