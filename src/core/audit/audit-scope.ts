// The audited call in progress. Core services open their own transactions (through Database.tx and
// the ObservableWriter); the audited database reads the call's AuditContext from here, so the row
// commits in the same transaction as the change without threading a parameter through every flow.
import { AsyncLocalStorage } from "node:async_hooks";
import type { AuditContext } from "./audit-entry.js";

const storage = new AsyncLocalStorage<AuditContext>();

/** Runs `fn` with `context` as the current audited call (also across awaits inside it). */
export function runInAuditScope<T>(context: AuditContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(context, fn);
}

/** The audited call this code runs in, if any. */
export function currentAuditContext(): AuditContext | undefined {
  return storage.getStore();
}
