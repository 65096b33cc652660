// The one mapping from failures to wire errors (spec 02 §2.11): a status code plus exactly one
// synctv.v1.ErrorInfo detail. Used by the Connect interceptor and the transport-level wrapper;
// the realtime channel and the CLI reuse toErrorInfo.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { type ErrorInfo, ErrorInfoSchema, ErrorKind as WireErrorKind } from "../../gen/synctv/v1/errors_pb.js";
import { type DomainError, defaultAppCode, type ErrorKind, isDomainError } from "../core/errors.js";

const codeOfKind: Record<ErrorKind, Code> = {
  UNAUTHENTICATED: Code.Unauthenticated,
  NOT_FOUND: Code.NotFound,
  ALREADY_EXISTS: Code.AlreadyExists,
  RATE_LIMITED: Code.ResourceExhausted,
  CONFLICT: Code.Aborted,
  INVALID_ARGUMENT: Code.InvalidArgument,
  FAILED_PRECONDITION: Code.FailedPrecondition,
  PERMISSION_DENIED: Code.PermissionDenied,
  INTERNAL: Code.Internal,
  SERVICE_UNAVAILABLE: Code.Unavailable,
  TIMEOUT: Code.DeadlineExceeded,
  UNIMPLEMENTED: Code.Unimplemented,
};

const wireKind: Record<ErrorKind, WireErrorKind> = {
  UNAUTHENTICATED: WireErrorKind.UNAUTHENTICATED,
  NOT_FOUND: WireErrorKind.NOT_FOUND,
  ALREADY_EXISTS: WireErrorKind.ALREADY_EXISTS,
  RATE_LIMITED: WireErrorKind.RATE_LIMITED,
  CONFLICT: WireErrorKind.CONFLICT,
  INVALID_ARGUMENT: WireErrorKind.INVALID_ARGUMENT,
  FAILED_PRECONDITION: WireErrorKind.FAILED_PRECONDITION,
  PERMISSION_DENIED: WireErrorKind.PERMISSION_DENIED,
  INTERNAL: WireErrorKind.INTERNAL,
  SERVICE_UNAVAILABLE: WireErrorKind.SERVICE_UNAVAILABLE,
  TIMEOUT: WireErrorKind.TIMEOUT,
  UNIMPLEMENTED: WireErrorKind.UNIMPLEMENTED,
};

/** Connect codes that the framework raises itself (bad body, size, deadline…), as domain kinds. */
const kindOfCode: Partial<Record<Code, ErrorKind>> = {
  [Code.Unauthenticated]: "UNAUTHENTICATED",
  [Code.NotFound]: "NOT_FOUND",
  [Code.AlreadyExists]: "ALREADY_EXISTS",
  [Code.ResourceExhausted]: "RATE_LIMITED",
  [Code.Aborted]: "CONFLICT",
  [Code.InvalidArgument]: "INVALID_ARGUMENT",
  [Code.FailedPrecondition]: "FAILED_PRECONDITION",
  [Code.PermissionDenied]: "PERMISSION_DENIED",
  [Code.Unavailable]: "SERVICE_UNAVAILABLE",
  [Code.DeadlineExceeded]: "TIMEOUT",
  [Code.Unimplemented]: "UNIMPLEMENTED",
  [Code.Canceled]: "TIMEOUT",
  [Code.OutOfRange]: "INVALID_ARGUMENT",
};

export const INTERNAL_MESSAGE = "Internal error";

export function connectCodeOf(kind: ErrorKind): Code {
  return codeOfKind[kind];
}

export function toErrorInfo(error: DomainError, requestId: string): ErrorInfo {
  return create(ErrorInfoSchema, {
    kind: wireKind[error.kind],
    errorCode: error.code,
    requestId,
    clientOperationId: error.clientOperationId,
    metadata: error.metadata,
    fieldViolations: error.fieldViolations,
    retryAfterMs: BigInt(Math.max(0, Math.ceil(error.retryAfterMs))),
  });
}

export interface MappedError {
  error: ConnectError;
  /** Set when the failure was unexpected: log it with the request id, never send it. */
  unexpected?: unknown;
}

/**
 * Turn anything thrown below a transport into a ConnectError carrying exactly one ErrorInfo.
 * Unknown errors become INTERNAL with a fixed message; their details stay in the server log.
 */
export function mapError(thrown: unknown, requestId: string): MappedError {
  if (isDomainError(thrown)) {
    const info = toErrorInfo(thrown, requestId);
    const metadata = new Headers();
    if (thrown.retryAfterMs > 0) metadata.set("retry-after", String(Math.ceil(thrown.retryAfterMs / 1000)));
    const error = new ConnectError(thrown.message, codeOfKind[thrown.kind], metadata, [
      { desc: ErrorInfoSchema, value: info },
    ]);
    return { error };
  }
  if (thrown instanceof ConnectError) {
    if (hasErrorInfo(thrown)) return { error: thrown };
    if (isUndecodableRequest(thrown)) {
      return mapError(new ConnectError("Cannot decode request message", Code.InvalidArgument), requestId);
    }
    const kind = kindOfCode[thrown.code];
    if (kind === undefined) {
      return { error: internalError(requestId), unexpected: thrown };
    }
    const info = create(ErrorInfoSchema, { kind: wireKind[kind], errorCode: defaultAppCode[kind], requestId });
    const error = new ConnectError(thrown.rawMessage, thrown.code, thrown.metadata, [
      { desc: ErrorInfoSchema, value: info },
    ]);
    return { error };
  }
  return { error: internalError(requestId), unexpected: thrown };
}

function internalError(requestId: string): ConnectError {
  const info = create(ErrorInfoSchema, {
    kind: WireErrorKind.INTERNAL,
    errorCode: defaultAppCode.INTERNAL,
    requestId,
  });
  return new ConnectError(INTERNAL_MESSAGE, Code.Internal, undefined, [{ desc: ErrorInfoSchema, value: info }]);
}

/**
 * Connect reports a request body it cannot decode (bad protobuf bytes, unknown compression) as
 * INTERNAL, although the client sent it. Those are client errors: INVALID_ARGUMENT.
 */
function isUndecodableRequest(error: ConnectError): boolean {
  if (error.code !== Code.Internal) return false;
  const m = error.rawMessage;
  return (
    m.startsWith("parse binary") || m.startsWith("received compressed envelope") || m.startsWith("invalid envelope")
  );
}

function hasErrorInfo(error: ConnectError): boolean {
  return error.findDetails(ErrorInfoSchema).length > 0;
}
