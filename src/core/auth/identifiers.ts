// How a login identifier is compared (spec 05 §3.1): trimmed; emails lowercased; usernames
// compared by their canonical (lowercased) form.

export interface NormalizedIdentifier {
  kind: "email" | "username";
  value: string;
}

export function normalizeIdentifier(raw: string): NormalizedIdentifier {
  const trimmed = raw.trim();
  return trimmed.includes("@")
    ? { kind: "email", value: trimmed.toLowerCase() }
    : { kind: "username", value: trimmed.toLowerCase() };
}

/** The brute-force key of a login identity; decoys lock exactly like real accounts. */
export function loginAccountKey(id: NormalizedIdentifier): string {
  return `login:${id.kind}:${id.value}`;
}

/** The OPAQUE credential identifier given to new signups (spec 05 §3.3). */
export function signupCredentialIdentifier(canonicalUsername: string): string {
  return `user:${canonicalUsername}`;
}
