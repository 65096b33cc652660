// Reads the SQLSTATE of a failed query on either engine, so repositories can branch on
// constraint violations (drizzle wraps driver errors: postgres.js and PGlite put the code on `cause`).

export const SqlState = {
  notNullViolation: "23502",
  foreignKeyViolation: "23503",
  uniqueViolation: "23505",
  checkViolation: "23514",
  serializationFailure: "40001",
  deadlockDetected: "40P01",
  lockNotAvailable: "55P03",
  queryCanceled: "57014",
} as const;

// SQLSTATE classes are two digits or F0, HV, P0, XX; this keeps socket codes like EPIPE out.
const sqlStatePattern = /^(?:[0-9][0-9A-Z]|F0|HV|P0|XX)[0-9A-Z]{3}$/;

/** The five-character SQLSTATE found on the error or its causes, or null. */
export function sqlStateOf(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code: unknown = "code" in current ? current.code : undefined;
    if (typeof code === "string" && sqlStatePattern.test(code)) return code;
    current = "cause" in current ? current.cause : undefined;
  }
  return null;
}

/** The violated constraint's name, when the driver reports it. */
export function constraintOf(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const name: unknown =
      "constraint_name" in current ? current.constraint_name : "constraint" in current ? current.constraint : undefined;
    if (typeof name === "string" && name !== "") return name;
    current = "cause" in current ? current.cause : undefined;
  }
  return null;
}
