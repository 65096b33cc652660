// Order and size of one scope (spec 06 §2 scope locks, §3.3): the locks that serialise library
// changes, the 1000-item cap, and position allocation — midpoints of the neighbours, with the scope
// renumbered (1024, 2048, …) in the same transaction when a gap falls below 1e-9.
//
// Lock order, always: library tree lock → scope lock → playback state row → room event lock
// (taken by the event append). Structural changes (deleting or moving playlists, clearing) take
// the tree lock exclusively; additions and media moves share it and serialise per scope.
import { type SQL, sql } from "drizzle-orm";
import type { DbTransaction } from "../../infra/db/database-port.js";
import { scopeFull } from "./library-errors.js";
import { MAX_ITEMS_PER_SCOPE } from "./library-limits.js";
import type { Anchor, Scope } from "./library-types.js";
import { positionsBetween } from "./positions.js";

export type OrderedKind = "playlist" | "media";

const TABLES: Record<OrderedKind, { table: string; scopeColumn: string }> = {
  playlist: { table: "playlists", scopeColumn: "parent_id" },
  media: { table: "media", scopeColumn: "playlist_id" },
};

interface PositionedRow {
  id: number;
  position: number;
}

export async function lockLibraryTree(tx: DbTransaction, roomId: number, mode: "shared" | "exclusive"): Promise<void> {
  const key = `playlist-tree:${roomId}`;
  if (mode === "shared") await tx.execute(sql`SELECT pg_advisory_xact_lock_shared(hashtextextended(${key}, 0))`);
  else await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

export async function lockScope(tx: DbTransaction, scope: Scope): Promise<void> {
  const key = `playlist-scope:${scope.roomId}:${scope.playlistId ?? "root"}`;
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

/** Live playlists plus media directly inside the scope. */
export async function countScopeItems(tx: DbTransaction, scope: Scope): Promise<number> {
  const rows = rowsOf<{ n: unknown }>(
    await tx.execute(sql`SELECT
      (SELECT count(*) FROM playlists WHERE room_id = ${scope.roomId} AND ${scopeCondition("playlist", scope)} AND deleted_at IS NULL)
      + (SELECT count(*) FROM media WHERE room_id = ${scope.roomId} AND ${scopeCondition("media", scope)} AND deleted_at IS NULL) AS n`),
  );
  return Number(rows[0]?.n ?? 0);
}

/** Refuses (3001) when `incoming` more items would push the scope past the cap. Call under the scope lock. */
export async function assertScopeHasRoom(tx: DbTransaction, scope: Scope, incoming: number): Promise<void> {
  if ((await countScopeItems(tx, scope)) + incoming > MAX_ITEMS_PER_SCOPE) throw scopeFull();
}

/**
 * `count` increasing positions for items placed at `anchor` (null = the end) among the live
 * `kind` rows of `scope`, ignoring the rows in `moving` (they are the ones being placed). Renumbers
 * the scope once when the slot is too narrow. Call under the scope lock. Returns null when the
 * anchor is not a live row of this kind in this scope.
 */
export async function allocatePositions(
  tx: DbTransaction,
  kind: OrderedKind,
  scope: Scope,
  anchor: Anchor,
  count: number,
  moving: readonly number[] = [],
): Promise<number[] | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const slot = await findSlot(tx, kind, scope, anchor, moving);
    if (slot === null) return null;
    const positions = positionsBetween(slot.before, slot.after, count);
    if (positions !== null) return positions;
    await renumberScope(tx, kind, scope, moving);
  }
  // After a renumbering neighbours are 1024 apart, so at most 100 items always fit.
  throw new Error("positions still too dense after renumbering");
}

/** Renumbers the live rows of the scope 1024, 2048, … keeping their order. */
export async function renumberScope(
  tx: DbTransaction,
  kind: OrderedKind,
  scope: Scope,
  moving: readonly number[] = [],
): Promise<void> {
  const t = sql.identifier(TABLES[kind].table);
  await tx.execute(sql`UPDATE ${t} AS o SET position = r.rn * 1024, version = o.version + 1
    FROM (SELECT id, row_number() OVER (ORDER BY position, id) AS rn FROM ${t}
          WHERE room_id = ${scope.roomId} AND ${scopeCondition(kind, scope)} AND deleted_at IS NULL ${notIn(moving)}) r
    WHERE o.id = r.id`);
}

async function findSlot(
  tx: DbTransaction,
  kind: OrderedKind,
  scope: Scope,
  anchor: Anchor,
  moving: readonly number[],
): Promise<{ before: number | null; after: number | null } | null> {
  const t = sql.identifier(TABLES[kind].table);
  const live = sql`room_id = ${scope.roomId} AND ${scopeCondition(kind, scope)} AND deleted_at IS NULL ${notIn(moving)}`;
  if (anchor === null) {
    const [last] = rowsOf<PositionedRow>(
      await tx.execute(sql`SELECT id, position FROM ${t} WHERE ${live} ORDER BY position DESC, id DESC LIMIT 1`),
    );
    return { before: last ? Number(last.position) : null, after: null };
  }
  const anchorId = "before" in anchor ? anchor.before : anchor.after;
  if (moving.includes(anchorId)) return null;
  const [row] = rowsOf<PositionedRow>(
    await tx.execute(sql`SELECT id, position FROM ${t} WHERE ${live} AND id = ${anchorId}`),
  );
  if (!row) return null;
  const position = Number(row.position);
  if ("after" in anchor) {
    const [next] = rowsOf<PositionedRow>(
      await tx.execute(
        sql`SELECT id, position FROM ${t} WHERE ${live} AND (position, id) > (${position}::double precision, ${anchorId}::bigint)
            ORDER BY position, id LIMIT 1`,
      ),
    );
    return { before: position, after: next ? Number(next.position) : null };
  }
  const [previous] = rowsOf<PositionedRow>(
    await tx.execute(
      sql`SELECT id, position FROM ${t} WHERE ${live} AND (position, id) < (${position}::double precision, ${anchorId}::bigint)
          ORDER BY position DESC, id DESC LIMIT 1`,
    ),
  );
  return { before: previous ? Number(previous.position) : null, after: position };
}

function scopeCondition(kind: OrderedKind, scope: Scope): SQL {
  const column = sql.identifier(TABLES[kind].scopeColumn);
  return scope.playlistId === null ? sql`${column} IS NULL` : sql`${column} = ${scope.playlistId}`;
}

function notIn(ids: readonly number[]): SQL {
  if (ids.length === 0) return sql``;
  return sql`AND id NOT IN (${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )})`;
}

/** postgres.js returns rows as an array, PGlite as `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}
