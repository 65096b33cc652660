// Runs one mutating call under its AuditContext (08 §4.5). The change's own transaction writes the
// row (see audited-database.ts); a call that succeeds without committing any transaction writes its
// row in a transaction of its own; a rejected call queues a best-effort row with its error code.
import type { Database } from "../../infra/db/database-port.js";
import type { AuditContext } from "./audit-entry.js";
import { insertAuditEntries } from "./audit-log-writer.js";
import { runInAuditScope } from "./audit-scope.js";
import type { RejectedAuditQueue } from "./rejected-audit-queue.js";

export interface AuditSink {
  /** The plain database (not the audited wrapper), so a standalone row is written exactly once. */
  database: Pick<Database, "tx">;
  rejected: RejectedAuditQueue;
}

export async function runAudited<T>(sink: AuditSink, context: AuditContext, fn: () => Promise<T>): Promise<T> {
  let value: T;
  try {
    value = await runInAuditScope(context, fn);
  } catch (error) {
    if (!context.recorded) sink.rejected.enqueue(context.rejected(error));
    throw error;
  }
  if (!context.recorded) await recordStandalone(sink, context);
  return value;
}

/** For calls that change no rows (StopServer, no-op writes): the row in a transaction of its own. */
export async function recordStandalone(sink: AuditSink, context: AuditContext): Promise<void> {
  if (context.recorded) return;
  await sink.database.tx((tx) => insertAuditEntries(tx, [context.succeeded()]));
  context.recorded = true;
}
