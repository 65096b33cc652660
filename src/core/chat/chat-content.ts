// Content rules of a user message (spec 02 §3.6): HTML tags are stripped, then the text is trimmed and
// must be 1–500 characters; and the request hash that keys idempotent retries (06 §4.3).
import { createHash } from "node:crypto";
import { invalidArgument } from "../errors.js";

export const MAX_CHAT_CHARS = 500;

// Tags, comments and doctype-like constructs; a lone "<" or "a < b" stays text.
const HTML_TAG = /<!--[\s\S]*?-->|<\/?[A-Za-z!?][^<>]*>/g;

/** The stored text of `raw`, or INVALID_ARGUMENT when nothing (or too much) is left. */
export function normalizeChatContent(raw: string): string {
  const text = raw.replace(HTML_TAG, "").trim();
  const length = [...text].length;
  if (length === 0 || length > MAX_CHAT_CHARS) {
    throw invalidArgument("Message content must be 1–500 characters after removing markup", {
      fieldViolations: [
        { field: "content", rule: "chat_content", description: "1–500 characters after trimming and HTML removal" },
      ],
    });
  }
  return text;
}

/** Hex SHA-256 of the request's fields in a fixed order (the canonical request). */
export function requestHash(fields: Record<string, string | number | null>): string {
  const canonical = JSON.stringify(
    Object.keys(fields)
      .sort()
      .map((key) => [key, fields[key] ?? null]),
  );
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}
