// Checks every request message against its protovalidate rules before any handler runs.
// Violations become one INVALID_ARGUMENT domain error with field violations, so the error mapper
// produces the same ErrorInfo shape as business validation (rather than buf.validate.Violations).
import type { DescMessage, Message } from "@bufbuild/protobuf";
import { pathToString } from "@bufbuild/protobuf/reflect";
import { createValidator, type Validator } from "@bufbuild/protovalidate";
import type { Interceptor } from "@connectrpc/connect";
import { invalidArgument } from "../../core/errors.js";
import { mapAsyncIterable } from "./stream-wrap.js";

export function validationInterceptor(validator: Validator = createValidator()): Interceptor {
  const check = (schema: DescMessage, message: Message) => {
    const result = validator.validate(schema, message);
    if (result.kind === "valid") return;
    if (result.kind === "invalid") {
      throw invalidArgument("Request validation failed", {
        fieldViolations: result.violations.map((v) => ({
          field: pathToString(v.field),
          rule: v.ruleId,
          description: v.message,
        })),
      });
    }
    // A rule that cannot be evaluated is our bug, not the caller's: let it surface as INTERNAL.
    throw result.error;
  };
  return (next) => async (req) => {
    if (!req.stream) {
      check(req.method.input, req.message);
      return next(req);
    }
    // A bidi stream (MessageStream) checks each message in its handler: a bad message answers an
    // `error` and the stream stays open (spec 03 §1.2), as on the WebSocket.
    if (req.method.methodKind === "bidi_streaming") return next(req);
    return next({ ...req, message: mapAsyncIterable(req.message, (m) => check(req.method.input, m)) });
  };
}
