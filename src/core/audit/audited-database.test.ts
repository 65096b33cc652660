// The audit row rides on the change's own transaction (08 §4.5): committed together, rolled back
// together; calls without an AuditContext are untouched; rejected calls go to the queue.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.js";
import { ensureAuditPartitions } from "../../infra/db/audit/audit-partitions.js";
import { settings } from "../../infra/db/schema/index.js";
import { invalidArgument } from "../errors.js";
import { AuditAction } from "./audit-actions.js";
import { AuditContext } from "./audit-entry.js";
import { insertAuditEntries } from "./audit-log-writer.js";
import { runAudited } from "./audited-call.js";
import { withAuditedTransactions } from "./audited-database.js";
import { RejectedAuditQueue } from "./rejected-audit-queue.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await ensureAuditPartitions(t.database.db, Date.now());
});
afterAll(async () => {
  await t.drop();
});

const context = (action: AuditAction = AuditAction.userBan) =>
  new AuditContext(action, {
    actorId: null,
    actorName: "local-management",
    source: "management",
    ip: null,
    userAgent: null,
    requestId: "req-1",
    transport: "unix",
  });

async function auditRows(): Promise<{ action: string; result: string; details: Record<string, unknown> }[]> {
  const r = await t.database.db.execute(sql`SELECT action, result, details FROM audit_logs ORDER BY id`);
  return (Array.isArray(r) ? r : (r as unknown as { rows: unknown[] }).rows) as never;
}

describe("audited transactions", () => {
  it("write the row in the transaction of the change, once per call, and none on rollback", async () => {
    const audited = withAuditedTransactions(t.database);
    const queue = new RejectedAuditQueue({
      write: (rows) => insertAuditEntries(t.database.db, rows),
      onDropped: () => {},
      flushIntervalMs: 60_000,
    });
    const sink = { database: t.database, rejected: queue };
    const before = (await auditRows()).length;

    // A committed change: exactly one row, even with a second transaction in the same call.
    await runAudited(
      sink,
      context().target("user", "usr_1").detail({ password: "hunter2", reason: "spam" }),
      async () => {
        await audited.tx((tx) => tx.execute(sql`SELECT 1`));
        await audited.tx((tx) => tx.execute(sql`SELECT 2`));
      },
    );
    let rows = await auditRows();
    expect(rows.length - before).toBe(1);
    expect(rows.at(-1)).toMatchObject({ action: "user.ban", result: "OK" });
    expect(rows.at(-1)?.details).toEqual({ reason: "spam", transport: "unix" });

    // A change that rolls back leaves no OK row; the rejection is queued with its code instead.
    await expect(
      runAudited(sink, context(AuditAction.userUnban), () =>
        audited.tx(async (tx) => {
          await tx.update(settings).set({ updatedBy: null });
          throw invalidArgument("no");
        }),
      ),
    ).rejects.toThrow("no");
    expect((await auditRows()).length - before).toBe(1);
    await queue.close();
    rows = await auditRows();
    expect(rows.at(-1)).toMatchObject({ action: "user.unban", result: "INVALID_ARGUMENT" });
    expect(rows.at(-1)?.details).toMatchObject({ error_code: 3000 });

    // Outside an audited call, transactions write no audit row.
    const count = rows.length;
    await audited.tx((tx) => tx.execute(sql`SELECT 1`));
    expect((await auditRows()).length).toBe(count);
  });

  it("a call that commits nothing gets its row in a transaction of its own", async () => {
    const queue = new RejectedAuditQueue({ write: async () => {}, onDropped: () => {}, flushIntervalMs: 60_000 });
    const before = (await auditRows()).length;
    await runAudited({ database: t.database, rejected: queue }, context(AuditAction.serverStop), async () => {});
    expect((await auditRows()).length - before).toBe(1);
    await queue.close();
  });
});
