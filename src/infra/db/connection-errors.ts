// Tells "the database cannot be reached" apart from query errors, and turns only the former into
// the domain error `serviceUnavailable` (clients see UNAVAILABLE and may retry).
//
// Where it is applied: `openDatabase` (first connection), `ping` (readiness) and `tx` (request
// work). Constraint violations, serialization failures and other query errors pass through
// untouched so repositories can branch on their SQLSTATE (`error.cause.code` through drizzle).
import { DomainError, serviceUnavailable } from "../../core/errors.js";

// Node socket errors and postgres.js' own connection error codes.
const connectionErrorCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

// SQLSTATEs that mean the server is going away or refuses sessions (class 08, 57P0x, 53300).
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300";
}

function errorCode(error: unknown): string | null {
  if (typeof error !== "object" || error === null || !("code" in error)) return null;
  const code = (error as { code: unknown }).code;
  return typeof code === "string" ? code : null;
}

/** True when `error` (or a cause in its chain, as drizzle wraps driver errors) is a connection failure. */
export function isConnectionError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = errorCode(current);
    if (code !== null && (connectionErrorCodes.has(code) || isUnavailableSqlState(code))) return true;
    current = typeof current === "object" && "cause" in current ? (current as { cause: unknown }).cause : undefined;
  }
  return false;
}

/** Returns `serviceUnavailable` for connection failures and the original error otherwise. */
export function toServiceUnavailable(error: unknown, message = "Database unavailable"): unknown {
  if (error instanceof DomainError || !isConnectionError(error)) return error;
  return serviceUnavailable(message, { cause: error });
}
