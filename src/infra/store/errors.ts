// Errors the store raises. Callers branch on StoreUnavailableError to fall back to memory or fail
// closed (spec 05 §5.1); anything else is a programming error.

/** The backing service is down, timed out or the store was closed. */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
}

/** The store was configured wrongly (for example an unparsable Redis URL). */
export class StoreConfigError extends Error {
  override readonly name = "StoreConfigError";
}
