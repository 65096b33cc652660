// Fractional positions stay a strict total order (spec 06 §3.3): 10 000 random inserts, moves and
// deletes on one scope — with adversarial inserts into one shrinking gap that force renumbering —
// leave every live item exactly once, in the expected order, at strictly increasing positions.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Anchor, Scope } from "../../src/core/playlists/library-types.js";
import { positionsBetween } from "../../src/core/playlists/positions.js";
import { allocatePositions } from "../../src/core/playlists/scope-ordering.js";
import type { DbTransaction } from "../../src/infra/db/database-port.js";
import { media, SourceProvider } from "../../src/infra/db/schema/index.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { directUrlConfig, insertPlaylist, insertRoom, insertUser } from "../support/fixtures/index.js";

type Op =
  | { kind: "insert"; at: number; before: boolean; count: number }
  | { kind: "move"; from: number; count: number; at: number; before: boolean }
  | { kind: "delete"; at: number }
  | { kind: "squeeze"; at: number; times: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("insert" as const),
      at: fc.nat(),
      before: fc.boolean(),
      count: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("move" as const),
      from: fc.nat(),
      count: fc.integer({ min: 1, max: 4 }),
      at: fc.nat(),
      before: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }) },
  // Midpoint after the same item again and again: the gap halves until it must be renumbered.
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("squeeze" as const),
      at: fc.nat(),
      times: fc.integer({ min: 40, max: 45 }),
    }),
  },
);

let t: TestDatabase;
let roomId: number;
let creatorId: number;
let playlistId: number;

beforeAll(async () => {
  t = await createTestDatabase();
  const user = await insertUser(t.database.db);
  creatorId = user.id;
  roomId = (await insertRoom(t.database.db, { createdBy: user.id })).id;
  playlistId = (await insertPlaylist(t.database.db, { roomId, creatorId })).id;
});
afterAll(async () => {
  await t.drop();
});

describe("positionsBetween", () => {
  it("returns count strictly increasing positions strictly inside the gap, or null when too narrow", () => {
    fc.assert(
      fc.property(
        fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: null }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        (before, width, count) => {
          const after = (before ?? 0) + width;
          const out = positionsBetween(before, after, count);
          if (out === null) return;
          expect(out).toHaveLength(count);
          let previous = before ?? 0;
          for (const p of out) {
            expect(p).toBeGreaterThan(previous);
            previous = p;
          }
          expect(previous).toBeLessThan(after);
        },
      ),
    );
  });
});

describe("one scope under 10 000 random operations", () => {
  it("keeps every live item once, in model order, at strictly increasing positions", async () => {
    let total = 0;
    let renumbers = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 250, maxLength: 250 }), async (ops) => {
        const scope: Scope = { roomId, playlistId };
        await t.database.tx(async (tx) => {
          await tx.execute(
            sql`UPDATE media SET deleted_at = now(), deletion_source = 3 WHERE playlist_id = ${playlistId} AND deleted_at IS NULL`,
          );
          const model: number[] = [];
          for (const [i, op] of ops.entries()) {
            total += op.kind === "squeeze" ? op.times : 1;
            renumbers += await apply(tx, scope, model, op);
            if (i % 50 === 49) await expectScope(tx, model);
          }
          await expectScope(tx, model);
        });
      }),
      { numRuns: 10 },
    );
    expect(total).toBeGreaterThanOrEqual(10_000);
    // The adversarial squeezes must actually have exercised renumbering.
    expect(renumbers).toBeGreaterThan(0);
  }, 300_000);
});

/** Applies one op to the database and the model; returns how many renumberings it caused. */
async function apply(tx: DbTransaction, scope: Scope, model: number[], op: Op): Promise<number> {
  if (model.length > 250) {
    // Keep the scope small enough for 10 000 operations to run quickly: drop a random-ish half.
    const dropped = model.splice(0, 120);
    await tx.update(media).set({ deletedAt: new Date(), deletionSource: 5 }).where(inArray(media.id, dropped));
  }
  if (op.kind === "delete") {
    if (model.length === 0) return 0;
    const [id] = model.splice(op.at % model.length, 1);
    await tx
      .update(media)
      .set({ deletedAt: new Date(), deletionSource: 5 })
      .where(eq(media.id, id ?? 0));
    return 0;
  }
  if (op.kind === "insert") {
    const { anchor, index } = anchorAt(model, op.at, op.before);
    return insertAt(tx, scope, model, anchor, index, op.count);
  }
  if (op.kind === "squeeze") {
    if (model.length === 0) return insertAt(tx, scope, model, null, 0, 1);
    const target = model[op.at % model.length] ?? 0;
    const before = await versionSum(tx);
    for (let i = 0; i < op.times; i++) {
      await insertAt(tx, scope, model, { after: target }, model.indexOf(target) + 1, 1);
    }
    // Only renumbering bumps versions here (inserts start at 1, this test's moves and deletes keep them).
    return (await versionSum(tx)) > before + op.times ? 1 : 0;
  }
  // move: a run of items (in model order) placed before/after another item
  if (model.length < 2) return 0;
  const start = op.from % model.length;
  const moving = model.slice(start, start + op.count);
  const rest = model.filter((id) => !moving.includes(id));
  const { anchor, index } = anchorAt(rest, op.at, op.before);
  const positions = await allocatePositions(tx, "media", scope, anchor, moving.length, moving);
  if (positions === null) throw new Error("anchor not found");
  for (const [i, id] of moving.entries()) {
    await tx
      .update(media)
      .set({ position: positions[i] ?? 0 })
      .where(eq(media.id, id));
  }
  model.splice(0, model.length, ...rest.slice(0, index), ...moving, ...rest.slice(index));
  return 0;
}

async function insertAt(
  tx: DbTransaction,
  scope: Scope,
  model: number[],
  anchor: Anchor,
  index: number,
  count: number,
): Promise<number> {
  const positions = await allocatePositions(tx, "media", scope, anchor, count);
  if (positions === null) throw new Error("anchor not found");
  const rows = await tx
    .insert(media)
    .values(
      positions.map((position) => ({
        roomId,
        playlistId,
        creatorId,
        name: "item",
        position,
        sourceProvider: SourceProvider.directUrl,
        sourceConfig: directUrlConfig(),
      })),
    )
    .returning({ id: media.id });
  model.splice(index, 0, ...rows.map((r) => r.id));
  return 0;
}

/** Anchor at model index `at` (before or after that item), and where the new items land in the model. */
function anchorAt(list: readonly number[], at: number, before: boolean): { anchor: Anchor; index: number } {
  if (list.length === 0) return { anchor: null, index: 0 };
  const i = at % (list.length + 1);
  if (i === list.length) return { anchor: null, index: list.length };
  const id = list[i] ?? 0;
  return before ? { anchor: { before: id }, index: i } : { anchor: { after: id }, index: i + 1 };
}

async function versionSum(tx: DbTransaction): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`coalesce(sum(${media.version}), 0)`.mapWith(Number) })
    .from(media)
    .where(and(eq(media.playlistId, playlistId), isNull(media.deletedAt)));
  return row?.n ?? 0;
}

async function expectScope(tx: DbTransaction, model: readonly number[]): Promise<void> {
  const rows = await tx
    .select({ id: media.id, position: media.position })
    .from(media)
    .where(and(eq(media.playlistId, playlistId), isNull(media.deletedAt)))
    .orderBy(asc(media.position), asc(media.id));
  expect(rows.map((r) => r.id)).toEqual(model);
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  for (let i = 1; i < rows.length; i++) {
    expect(rows[i]?.position ?? 0).toBeGreaterThan(rows[i - 1]?.position ?? 0);
  }
}
