// Who a request budget belongs to (spec 05 §5.2): a user or guest id when known, else the client IP;
// refresh tokens also count per token family.

export type RateSubject =
  | { kind: "user"; id: number | string }
  | { kind: "guest"; id: string }
  | { kind: "ip"; ip: string }
  | { kind: "family"; userId: number | string; sid: string };

/** The subject part of a rate-limit key: `user:<id>`, `guest:<id>`, `anon:<ip>`, `family:<uid>:<sid>`. */
export function subjectKey(subject: RateSubject): string {
  switch (subject.kind) {
    case "user":
      return `user:${subject.id}`;
    case "guest":
      return `guest:${subject.id}`;
    case "ip":
      // The API server always derives an address (the socket's at worst); "unknown" only guards
      // against a transport that forgot, so such calls still share a budget instead of none.
      return `anon:${subject.ip === "" ? "unknown" : subject.ip}`;
    case "family":
      return `family:${subject.userId}:${subject.sid}`;
  }
}
