// Turns a unique-index violation on a user-facing field (username, email) into ALREADY_EXISTS. The
// write runs in a savepoint, so the caller's transaction stays usable after the rejection.
import type { DbExecutor, DbTransaction } from "../../infra/db/database-port.js";
import { constraintOf, SqlState, sqlStateOf } from "../../infra/db/sql-state.js";
import { alreadyExists } from "../errors.js";

/** Partial unique indexes whose violation means "this value is taken", with the field and message. */
const takenBy: Record<string, { field: string; message: string }> = {
  users_username_live_key: { field: "username", message: "Username is already taken" },
  auth_email_identities_email_live_key: { field: "email", message: "Email is already in use" },
};

/**
 * Runs `write` in a savepoint (a transaction when `executor` is the pool). A violation of one of the
 * indexes above becomes `alreadyExists` (2001) naming the field; anything else propagates unchanged.
 */
export async function guardUniqueFields<T>(executor: DbExecutor, write: (tx: DbTransaction) => Promise<T>): Promise<T> {
  try {
    return await executor.transaction(write);
  } catch (error) {
    const taken = sqlStateOf(error) === SqlState.uniqueViolation ? takenBy[constraintOf(error) ?? ""] : undefined;
    if (taken === undefined) throw error;
    throw alreadyExists(taken.message, {
      fieldViolations: [{ field: taken.field, rule: "unique", description: taken.message }],
      cause: error,
    });
  }
}
