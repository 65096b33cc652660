// Inserts audit rows (spec 06 §3.6). Inside a caller's transaction for committed changes, or on the
// pool for best-effort rows of rejected calls; created_at is the database's clock.
import { auditLogs } from "../../infra/db/audit/audit-logs-table.js";
import type { DbExecutor } from "../../infra/db/database-port.js";
import type { AuditEntry } from "./audit-entry.js";

export async function insertAuditEntries(db: DbExecutor, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditLogs).values(
    entries.map((e) => ({
      actorId: e.actorId,
      actorName: e.actorName,
      source: e.source,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      details: e.details,
      ip: e.ip,
      userAgent: e.userAgent,
      requestId: e.requestId,
      result: e.result,
    })),
  );
}
