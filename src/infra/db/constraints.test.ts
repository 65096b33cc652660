import { eq, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.js";
import {
  type JsonObject,
  realtimeOutbox,
  roomResourceEvents,
  type SettingValueEnvelope,
  settings,
  settingsGeneration,
} from "./schema/index.js";
import { constraintOf, SqlState, sqlStateOf } from "./sql-state.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

/** Runs `write` and expects the database to reject it with a CHECK violation of `constraint`. */
async function expectCheckViolation(write: () => Promise<unknown>, constraint: string): Promise<void> {
  const error = await write().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${constraint} to reject the row`).not.toBeNull();
  expect(sqlStateOf(error)).toBe(SqlState.checkViolation);
  expect(constraintOf(error)).toBe(constraint);
}

/**
 * A JSONB literal the column's TypeScript type forbids: these tests send the database exactly what
 * the type system would stop, to prove the CHECK stops it too.
 */
function rawJson<T = JsonObject>(literal: string): T {
  return sql.raw(`'${literal}'::jsonb`) as unknown as T;
}

function outboxRow(overrides: Partial<typeof realtimeOutbox.$inferInsert> = {}) {
  return { id: uuidv7(), aggregateType: "room", aggregateId: "1", eventType: "x.y", payload: {}, ...overrides };
}

function eventRow(overrides: Partial<typeof roomResourceEvents.$inferInsert> = {}) {
  return {
    eventId: uuidv7(),
    scopeType: 1,
    roomId: 1,
    roomSeq: 1,
    aggregateType: "room",
    aggregateId: "1",
    resourceType: "room_settings",
    eventType: "room_settings.updated",
    ...overrides,
  };
}

describe("database CHECK constraints", () => {
  it("accept a well-formed outbox row and event row", async () => {
    await t.database.db.insert(realtimeOutbox).values(outboxRow());
    await t.database.db.insert(roomResourceEvents).values(eventRow({ roomId: 999 }));
  });

  it("reject an outbox status outside 1–4", async () => {
    await expectCheckViolation(
      () => t.database.db.insert(realtimeOutbox).values(outboxRow({ status: 9 })),
      "realtime_outbox_status_range",
    );
  });

  it("reject an outbox payload that is not a JSON object", async () => {
    await expectCheckViolation(
      () => t.database.db.insert(realtimeOutbox).values(outboxRow({ payload: rawJson("[1,2]") })),
      "realtime_outbox_payload_object",
    );
  });

  it("reject an outbox id that is not a canonical UUID", async () => {
    await expectCheckViolation(
      () => t.database.db.insert(realtimeOutbox).values(outboxRow({ id: "not-a-uuid" })),
      "realtime_outbox_id_format",
    );
  });

  it("reject a processing outbox row without a lease, and a pending one with a lease", async () => {
    await expectCheckViolation(
      () => t.database.db.insert(realtimeOutbox).values(outboxRow({ status: 2 })),
      "realtime_outbox_lease_while_processing",
    );
    await expectCheckViolation(
      () =>
        t.database.db.insert(realtimeOutbox).values(outboxRow({ status: 1, lockedBy: "node/1", lockedAt: new Date() })),
      "realtime_outbox_lease_while_processing",
    );
  });

  it("reject an event payload or summary that is not a JSON object", async () => {
    await expectCheckViolation(
      () => t.database.db.insert(roomResourceEvents).values(eventRow({ roomId: 2, payload: rawJson('"text"') })),
      "room_resource_events_payload_object",
    );
    await expectCheckViolation(
      () => t.database.db.insert(roomResourceEvents).values(eventRow({ roomId: 2, summary: rawJson("null") })),
      "room_resource_events_summary_object",
    );
  });

  it("reject an event scope outside 1–2, a room event without a room and a user event without a user", async () => {
    await expectCheckViolation(
      () => t.database.db.insert(roomResourceEvents).values(eventRow({ roomId: 3, scopeType: 3 })),
      "room_resource_events_scope_type_range",
    );
    await expectCheckViolation(
      () => t.database.db.insert(roomResourceEvents).values(eventRow({ roomId: null, roomSeq: null, userId: 5 })),
      "room_resource_events_room_scope_has_room",
    );
    await expectCheckViolation(
      () => t.database.db.insert(roomResourceEvents).values(eventRow({ scopeType: 2, roomId: 6, userId: null })),
      "room_resource_events_user_scope_has_user",
    );
  });

  it("reject room_seq without room_id and event_version below 1", async () => {
    await expectCheckViolation(
      () =>
        t.database.db
          .insert(roomResourceEvents)
          .values(eventRow({ scopeType: 2, roomId: null, roomSeq: 4, userId: 5 })),
      "room_resource_events_room_seq_with_room",
    );
    await expectCheckViolation(
      () => t.database.db.insert(roomResourceEvents).values(eventRow({ roomId: 4, eventVersion: 0 })),
      "room_resource_events_event_version_positive",
    );
  });

  it("reject a duplicate room_seq within one room", async () => {
    await t.database.db.insert(roomResourceEvents).values(eventRow({ roomId: 5, roomSeq: 1 }));
    const error = await t.database.db
      .insert(roomResourceEvents)
      .values(eventRow({ roomId: 5, roomSeq: 1 }))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(sqlStateOf(error)).toBe(SqlState.uniqueViolation);
    expect(constraintOf(error)).toBe("room_resource_events_room_seq_key");
  });

  it("reject a settings value that is not a JSON object, and a key that is not a dotted lowerCamel path", async () => {
    await expectCheckViolation(
      () => t.database.db.insert(settings).values({ key: "server.motd", value: rawJson<SettingValueEnvelope>('"hi"') }),
      "settings_value_object",
    );
    await expectCheckViolation(
      () => t.database.db.insert(settings).values({ key: "Server_Name", value: { v: 1 } }),
      "settings_key_format",
    );
  });

  it("allow only the single settings_generation row with id 1", async () => {
    await expectCheckViolation(
      () => t.database.db.insert(settingsGeneration).values({ id: 2 }),
      "settings_generation_single_row",
    );
    const rows = await t.database.db.select().from(settingsGeneration).where(eq(settingsGeneration.id, 1));
    expect(rows).toHaveLength(1);
  });

  it("round-trip timestamps with millisecond precision", async () => {
    const at = new Date(Date.UTC(2026, 10, 3, 23, 59, 59, 999));
    const id = uuidv7();
    await t.database.db.insert(realtimeOutbox).values(outboxRow({ id, nextRetryAt: at }));
    const [row] = await t.database.db.select().from(realtimeOutbox).where(eq(realtimeOutbox.id, id));
    expect(row?.nextRetryAt.toISOString()).toBe(at.toISOString());
  });
});
