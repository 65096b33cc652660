// The plaintext password policy of spec 05 §1 (`password_complexity`), checked wherever the server
// sees a plaintext: direct-password signup and change, admin/CLI set, bootstrap. OPAQUE clients check locally.
import type { FieldViolation } from "../errors.js";

/** The `password_complexity` config section (snake_case as in the config file); zxcvbn is separate. */
export interface PasswordPolicy {
  min_length: number;
  max_length: number;
  require_upper: boolean;
  require_lower: boolean;
  require_digit: boolean;
  require_special: boolean;
  /** Longest allowed run of one repeated character; 0 turns the rule off. */
  max_repeated_chars: number;
}

// Unicode-aware classes: a non-ASCII letter counts as a letter, not as a "special" character.
const upper = /\p{Lu}/u;
const lower = /\p{Ll}/u;
const digit = /\p{Nd}/u;
const special = /[^\p{L}\p{N}]/u;

/** Every rule `password` breaks; empty when it satisfies the policy. */
export function passwordPolicyViolations(password: string, policy: PasswordPolicy): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const add = (rule: string, description: string) => violations.push({ field: "password", rule, description });
  // Code points, not UTF-16 units, so an emoji counts as one character as users expect.
  const chars = Array.from(password);
  if (chars.length < policy.min_length) add("min_length", `must be at least ${policy.min_length} characters`);
  if (chars.length > policy.max_length) add("max_length", `must be at most ${policy.max_length} characters`);
  if (policy.require_upper && !upper.test(password)) add("require_upper", "must contain an upper-case letter");
  if (policy.require_lower && !lower.test(password)) add("require_lower", "must contain a lower-case letter");
  if (policy.require_digit && !digit.test(password)) add("require_digit", "must contain a digit");
  if (policy.require_special && !special.test(password)) add("require_special", "must contain a special character");
  if (policy.max_repeated_chars > 0 && longestRun(chars) > policy.max_repeated_chars) {
    add("max_repeated_chars", `must not repeat a character more than ${policy.max_repeated_chars} times in a row`);
  }
  return violations;
}

function longestRun(chars: readonly string[]): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < chars.length; i++) {
    run = i > 0 && chars[i] === chars[i - 1] ? run + 1 : 1;
    if (run > longest) longest = run;
  }
  return longest;
}
