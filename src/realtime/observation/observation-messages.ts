// The ServerMessages of observation (03 §1.2): resource_observed and resource_observe_error, with
// errors mapped exactly as the `error` message maps them (resource_event: event-shares.ts).
import { create } from "@bufbuild/protobuf";
import {
  ErrorMessageSchema,
  ResourceCursorSchema,
  ResourceObservedSchema,
  ResourceObserveErrorSchema,
  type ServerMessage,
} from "../../../gen/synctv/v1/realtime_pb.js";
import { toErrorInfo } from "../../api/error-info.js";
import type { DomainError } from "../../core/errors.js";
import { serverMessage } from "../frame-codec.js";
import type { StreamCursor } from "./resource-definition.js";

const cursorOf = (cursor: StreamCursor) =>
  create(ResourceCursorSchema, { eventId: cursor.eventId, sequence: BigInt(cursor.sequence) });

export function observedMessage(observeId: string, changed: boolean, cursor: StreamCursor): ServerMessage {
  return serverMessage({
    case: "resourceObserved",
    value: create(ResourceObservedSchema, { observeId, changed, cursor: cursorOf(cursor) }),
  });
}

export function observeErrorMessage(observeId: string, error: DomainError, connectionId: string): ServerMessage {
  const info = toErrorInfo(error, connectionId);
  return serverMessage({
    case: "resourceObserveError",
    value: create(ResourceObserveErrorSchema, {
      observeId,
      error: create(ErrorMessageSchema, {
        code: info.errorCode,
        kind: info.kind,
        message: error.kind === "INTERNAL" ? "Internal error" : error.message,
        metadata: info.metadata,
        fieldViolations: info.fieldViolations,
        retryAfterMs: info.retryAfterMs,
      }),
    }),
  });
}
