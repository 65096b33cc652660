// A Database whose transactions carry the current call's audit row (08 §4.5): the first transaction
// of an audited call that commits writes the row inside itself, so a committed change always has its
// row and a rolled-back one has none. Calls without an AuditContext pass through untouched.
import type { Database, DbTransaction } from "../../infra/db/database-port.js";
import { insertAuditEntries } from "./audit-log-writer.js";
import { currentAuditContext } from "./audit-scope.js";

export function withAuditedTransactions(database: Database): Database {
  const tx = async <T>(fn: (t: DbTransaction) => Promise<T>): Promise<T> => {
    const context = currentAuditContext();
    if (context === undefined || context.recorded) return database.tx(fn);
    const value = await database.tx(async (t) => {
      const result = await fn(t);
      await insertAuditEntries(t, [context.succeeded()]);
      return result;
    });
    // Only after COMMIT: a failed commit leaves the call unrecorded, and the rejection path writes it.
    context.recorded = true;
    return value;
  };
  return {
    get driver() {
      return database.driver;
    },
    get db() {
      return database.db;
    },
    tx,
    ping: () => database.ping(),
    migrate: () => database.migrate(),
    migrationStatus: () => database.migrationStatus(),
    listen: (channel, fn) => database.listen(channel, fn),
    notify: (channel, payload) => database.notify(channel, payload),
    close: () => database.close(),
  };
}
