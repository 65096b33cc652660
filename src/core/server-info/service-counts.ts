// Service-wide counters for operators (management GetServiceStats, 08 §4.2): live users, live rooms
// and memberships, read straight from PostgreSQL. Presence counts come from the realtime runtime.
import { count, isNull } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";
import { roomMembers, rooms, users } from "../../infra/db/schema/index.js";

export interface ServiceCounts {
  users: number;
  rooms: number;
  members: number;
}

export async function serviceCounts(db: DbExecutor): Promise<ServiceCounts> {
  const [u] = await db.select({ n: count() }).from(users).where(isNull(users.deletedAt));
  const [r] = await db.select({ n: count() }).from(rooms).where(isNull(rooms.deletedAt));
  const [m] = await db.select({ n: count() }).from(roomMembers);
  return { users: u?.n ?? 0, rooms: r?.n ?? 0, members: m?.n ?? 0 };
}
