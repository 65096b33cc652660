// Optimistic concurrency for library rows (spec 06 §4.1, 02 §2.7). The row is read FOR UPDATE in the
// writing transaction, so "last writer wins" needs no retry loop; an explicit expected_version that
// differs from the locked row is ABORTED 2003 with the current version.
import { conflict } from "../errors.js";

export function checkExpectedVersion(current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current) {
    throw conflict("The item changed since it was read", { metadata: { current_version: String(current) } });
  }
}
