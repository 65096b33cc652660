// Username rules of spec 05 §1: the allowed shape, the case-insensitive canonical form that
// uniqueness and login use, and the names self-signup may not take.
import type { FieldViolation } from "../errors.js";

export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 50;

const usernameCharset = /^[A-Za-z0-9_-]*$/;

/**
 * Names that could pass for staff or the system. Reserved for self-signup only: an admin (or the
 * bootstrap, whose default is `root`) may still create them deliberately.
 */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "admin",
  "administrator",
  "root",
  "system",
  "moderator",
  "mod",
  "support",
  "help",
  "official",
  "staff",
  "owner",
  "bot",
  "service",
  "sysop",
  "operator",
  "dev",
  "developer",
  "security",
  "team",
]);

/** The form uniqueness and lookups compare: the database's unique index is on `lower(username)`. */
export function canonicalUsername(name: string): string {
  return name.toLowerCase();
}

export interface UsernameRuleOptions {
  /** True when the account is being created by its future owner (signup), not by an admin. */
  selfSignup: boolean;
}

/** Every rule `name` breaks; empty when it is acceptable. The name is checked as given, untrimmed. */
export function usernameViolations(name: string, options: UsernameRuleOptions): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (name.length < USERNAME_MIN_LENGTH || name.length > USERNAME_MAX_LENGTH) {
    violations.push({
      field: "username",
      rule: "length",
      description: `must be ${USERNAME_MIN_LENGTH}–${USERNAME_MAX_LENGTH} characters`,
    });
  }
  if (!usernameCharset.test(name)) {
    violations.push({
      field: "username",
      rule: "charset",
      description: "may contain only letters A–Z, digits, '_' and '-'",
    });
  }
  if (options.selfSignup && RESERVED_USERNAMES.has(canonicalUsername(name))) {
    violations.push({ field: "username", rule: "reserved", description: "is reserved" });
  }
  return violations;
}
