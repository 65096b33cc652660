// Outermost interceptor: whatever a handler or an inner interceptor throws — also in the middle of
// a response stream — leaves as a ConnectError with exactly one ErrorInfo. Unexpected failures are
// logged with the request id and reach the client only as "Internal error".
import type { Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { requestIdKey } from "../context.js";
import { mapError } from "../error-info.js";
import { mapAsyncIterable } from "./stream-wrap.js";

export function errorMappingInterceptor(log: Logger): Interceptor {
  return (next) => async (req) => {
    const requestId = req.contextValues.get(requestIdKey);
    const translate = (thrown: unknown) => {
      const { error, unexpected } = mapError(thrown, requestId);
      if (unexpected !== undefined) {
        log.error({ err: unexpected, request_id: requestId, rpc: req.url }, "unexpected failure in RPC");
      }
      return error;
    };
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return { ...res, message: mapAsyncIterable(res.message, () => {}, translate) };
    } catch (e) {
      throw translate(e);
    }
  };
}
