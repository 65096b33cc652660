// Typed domain errors. Core code throws these; transports map them once (src/api/error-mapper.ts,
// the realtime codec, the CLI) to a status code plus one ErrorInfo. Nothing here knows about Connect.

export type ErrorKind =
  | "UNAUTHENTICATED"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "RATE_LIMITED"
  | "CONFLICT"
  | "INVALID_ARGUMENT"
  | "FAILED_PRECONDITION"
  | "PERMISSION_DENIED"
  | "INTERNAL"
  | "SERVICE_UNAVAILABLE"
  | "TIMEOUT"
  | "UNIMPLEMENTED";

/** Default app code of each kind (spec 02 §2.11). */
export const defaultAppCode: Record<ErrorKind, number> = {
  UNAUTHENTICATED: 1000,
  NOT_FOUND: 2000,
  ALREADY_EXISTS: 2001,
  RATE_LIMITED: 2002,
  CONFLICT: 2003,
  INVALID_ARGUMENT: 3000,
  FAILED_PRECONDITION: 3001,
  PERMISSION_DENIED: 4000,
  INTERNAL: 9000,
  SERVICE_UNAVAILABLE: 9002,
  TIMEOUT: 9003,
  UNIMPLEMENTED: 9004,
};

/** Specific app codes (spec 02 §2.11). Clients branch on these numbers. */
export const AppCode = {
  TOKEN_EXPIRED: 1001,
  INVALID_CREDENTIALS: 1002,
  REFRESH_TOKEN_REUSED: 1003,
  GUEST_ACCESS_REVOKED: 1004,
  TICKET_INVALID: 1005,
  CREDENTIAL_CHANGED: 1006,
  IDEMPOTENCY_KEY_REUSED: 2101,
  ROOM_NAME_TAKEN: 2102,
  ALREADY_MEMBER: 2103,
  LOCKED_OUT: 2201,
  PLAYBACK_SOURCE_CHANGED: 2301,
  ROOM_CLOSED: 3101,
  ROOM_FULL: 3102,
  ROOM_QUOTA_EXCEEDED: 3103,
  CREATOR_CANNOT_LEAVE: 3104,
  NO_PLAYBACK_SOURCE: 3105,
  LIVE_NOT_SEEKABLE: 3106,
  FORCE_REQUIRED: 3107,
  NO_NEXT_ITEM: 3108,
  PIN_LIMIT_REACHED: 3109,
  ROOM_PASSWORD_POLICY: 3110,
  NOT_A_MEMBER: 4001,
  USER_BANNED: 4002,
  ROOM_BANNED: 4003,
  KICK_COOLDOWN: 4004,
  ROOM_PASSWORD_REQUIRED: 4005,
  ROOM_PASSWORD_INVALID: 4006,
  SELF_JOIN_DISABLED: 4007,
  GUEST_NOT_ALLOWED: 4008,
  ROOM_CREATOR_INACTIVE: 4009,
  FEATURE_DISABLED: 4010,
  SIGNUP_DISABLED: 4011,
  ROOM_CREATION_DISABLED: 4012,
  RANK_TOO_LOW: 4013,
} as const;

export interface FieldViolation {
  field: string;
  rule: string;
  description: string;
}

export interface DomainErrorOptions {
  code?: number;
  metadata?: Record<string, string>;
  fieldViolations?: FieldViolation[];
  retryAfterMs?: number;
  clientOperationId?: string;
  cause?: unknown;
}

/** A failure the caller is meant to see. The message is safe to show to clients. */
export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly code: number;
  readonly metadata: Record<string, string>;
  readonly fieldViolations: FieldViolation[];
  readonly retryAfterMs: number;
  readonly clientOperationId: string;

  constructor(kind: ErrorKind, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DomainError";
    this.kind = kind;
    this.code = options.code ?? defaultAppCode[kind];
    this.metadata = options.metadata ?? {};
    this.fieldViolations = options.fieldViolations ?? [];
    this.retryAfterMs = options.retryAfterMs ?? 0;
    this.clientOperationId = options.clientOperationId ?? "";
  }
}

export const unauthenticated = (message = "Authentication required", o?: DomainErrorOptions) =>
  new DomainError("UNAUTHENTICATED", message, o);
export const notFound = (message = "Not found", o?: DomainErrorOptions) => new DomainError("NOT_FOUND", message, o);
export const alreadyExists = (message: string, o?: DomainErrorOptions) => new DomainError("ALREADY_EXISTS", message, o);
export const rateLimited = (retryAfterMs: number, message = "Too many requests", o?: DomainErrorOptions) =>
  new DomainError("RATE_LIMITED", message, { ...o, retryAfterMs });
export const conflict = (message: string, o?: DomainErrorOptions) => new DomainError("CONFLICT", message, o);
export const invalidArgument = (message: string, o?: DomainErrorOptions) =>
  new DomainError("INVALID_ARGUMENT", message, o);
export const failedPrecondition = (message: string, o?: DomainErrorOptions) =>
  new DomainError("FAILED_PRECONDITION", message, o);
export const permissionDenied = (message = "Permission denied", o?: DomainErrorOptions) =>
  new DomainError("PERMISSION_DENIED", message, o);
export const serviceUnavailable = (message = "Service unavailable", o?: DomainErrorOptions) =>
  new DomainError("SERVICE_UNAVAILABLE", message, o);
export const timeout = (message = "Deadline exceeded", o?: DomainErrorOptions) =>
  new DomainError("TIMEOUT", message, o);
export const unimplemented = (message = "Not implemented yet", o?: DomainErrorOptions) =>
  new DomainError("UNIMPLEMENTED", message, o);

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
