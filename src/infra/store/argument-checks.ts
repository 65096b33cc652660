// Argument checks shared by both backends, so a bad TTL fails the same way in tests (memory) as in
// production (Redis would answer "invalid expire time" only at run time).

export function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

export function assertNonNegativeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

export function assertSafeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be an integer, got ${value}`);
  }
}

export function assertWindowArguments(windowMs: number, limit: number, cost: number): void {
  assertPositiveInteger("windowMs", windowMs);
  assertNonNegativeInteger("limit", limit);
  assertPositiveInteger("cost", cost);
}
