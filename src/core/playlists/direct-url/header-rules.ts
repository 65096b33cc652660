// Which request headers a direct-URL source may ask players to send (spec 07 §12.1 step 2): valid
// names, no CR/LF in values, ≤ 32 headers and ≤ 8 KiB in total, and none that steer the connection
// or impersonate a proxy.
import type { FieldViolation } from "../../errors.js";

export const MAX_HEADERS = 32;
export const MAX_HEADER_BYTES = 8 * 1024;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN = new Set([
  "host",
  "transfer-encoding",
  "content-length",
  "connection",
  "upgrade",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "x-real-ip",
  "x-original-url",
  "x-rewrite-url",
  "priority",
]);
const FORBIDDEN_PREFIXES = ["x-forwarded-", "sec-"];

/**
 * Validates and normalises a header map: names lower-cased (HTTP names are case-insensitive, so
 * `Referer` and `referer` would be a duplicate). Problems are added to `violations` under `field`.
 */
export function normalizeHeaders(
  headers: Readonly<Record<string, string>>,
  field: string,
  violations: FieldViolation[],
): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Object.entries(headers);
  if (entries.length > MAX_HEADERS) {
    violations.push({ field, rule: "max_headers", description: `at most ${MAX_HEADERS} headers` });
  }
  let bytes = 0;
  for (const [rawName, value] of entries) {
    const name = rawName.toLowerCase();
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
    if (!TOKEN.test(name)) {
      violations.push({ field: `${field}[${rawName}]`, rule: "header_name", description: "invalid header name" });
    } else if (FORBIDDEN.has(name) || FORBIDDEN_PREFIXES.some((p) => name.startsWith(p))) {
      violations.push({
        field: `${field}[${rawName}]`,
        rule: "forbidden_header",
        description: `${name} may not be set`,
      });
    } else if (name in out) {
      violations.push({ field: `${field}[${rawName}]`, rule: "duplicate_header", description: "duplicate header" });
    }
    if (/[\r\n\0]/.test(value)) {
      violations.push({
        field: `${field}[${rawName}]`,
        rule: "header_value",
        description: "no CR, LF or NUL in values",
      });
    }
    out[name] = value;
  }
  if (bytes > MAX_HEADER_BYTES) {
    violations.push({ field, rule: "max_header_bytes", description: "headers exceed 8 KiB in total" });
  }
  return out;
}
