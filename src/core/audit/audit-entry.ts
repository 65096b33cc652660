// One audit row as the application sees it, and the per-call AuditContext that collects it: the
// transport fills in who and how, the handler the target and details, the outcome the result.
import { type ErrorKind, isDomainError } from "../errors.js";
import type { AuditAction, AuditSource } from "./audit-actions.js";

export type AuditDetails = Record<string, string | number | boolean | null>;

export interface AuditEntry {
  actorId: number | null;
  actorName: string;
  source: AuditSource;
  action: AuditAction;
  targetType: string;
  targetId: string;
  details: AuditDetails;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  /** "OK", or the error kind of a rejected call. */
  result: "OK" | ErrorKind;
}

export interface AuditOrigin {
  actorId: number | null;
  actorName: string;
  source: AuditSource;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  /** Always recorded in details (08 §4.5: management rows carry the transport). */
  transport: string;
}

// Keys whose values are secrets by name; never stored, whatever a caller passes (05 §11).
const SECRET_KEY = /pass|token|secret|credential|api_?key|private|opaque|cookie|authorization/i;

/** Details without any key that names a secret; values are kept short. */
export function redactDetails(details: AuditDetails): AuditDetails {
  const safe: AuditDetails = {};
  for (const [key, value] of Object.entries(details)) {
    if (SECRET_KEY.test(key)) continue;
    safe[key] = typeof value === "string" && value.length > 500 ? `${value.slice(0, 500)}…` : value;
  }
  return safe;
}

/** Collects one call's audit row. `recorded` turns true once a row has committed for it. */
export class AuditContext {
  #targetType = "";
  #targetId = "";
  #details: AuditDetails = {};
  recorded = false;

  constructor(
    readonly action: AuditAction,
    readonly origin: AuditOrigin,
  ) {}

  target(type: string, id: string): this {
    this.#targetType = type;
    this.#targetId = id.slice(0, 100);
    return this;
  }

  detail(details: AuditDetails): this {
    Object.assign(this.#details, details);
    return this;
  }

  /** The row for a committed change (result OK). */
  succeeded(): AuditEntry {
    return this.#entry("OK", {});
  }

  /** The row for a rejected call: its error kind, and the app code when it is a domain error. */
  rejected(error: unknown): AuditEntry {
    if (isDomainError(error)) return this.#entry(error.kind, { error_code: error.code });
    return this.#entry("INTERNAL", {});
  }

  #entry(result: AuditEntry["result"], extra: AuditDetails): AuditEntry {
    const { origin } = this;
    return {
      actorId: origin.actorId,
      actorName: origin.actorName,
      source: origin.source,
      action: this.action,
      targetType: this.#targetType,
      targetId: this.#targetId,
      details: redactDetails({ ...this.#details, transport: origin.transport, ...extra }),
      ip: origin.ip,
      userAgent: origin.userAgent,
      requestId: origin.requestId,
      result,
    };
  }
}
