// Names and descriptions of library items (spec 02 §3.4): trimmed, non-blank names within their
// length, descriptions up to 5000 characters.
import { invalidArgument } from "../errors.js";
import { MAX_DESCRIPTION } from "./library-limits.js";

export function normalizeItemName(raw: string, max: number, field = "name"): string {
  const name = raw.trim();
  if (name === "" || [...name].length > max) {
    throw invalidArgument(`${field} must be 1–${max} characters`, {
      fieldViolations: [{ field, rule: "length", description: `1–${max} characters, not blank` }],
    });
  }
  return name;
}

export function normalizeDescription(raw: string): string {
  if ([...raw].length > MAX_DESCRIPTION) {
    throw invalidArgument(`description must be at most ${MAX_DESCRIPTION} characters`, {
      fieldViolations: [{ field: "description", rule: "max_len", description: `at most ${MAX_DESCRIPTION}` }],
    });
  }
  return raw;
}
