// Unary calls get a 30 s deadline unless the client asked for a shorter one (spec 02 §2.1), so a
// stuck dependency cannot hold a request forever. Client-sent timeouts are enforced by Connect
// itself; this covers calls that sent none. Streams have their own lifetimes (spec 03).
import type { Interceptor } from "@connectrpc/connect";
import { timeout } from "../../core/errors.js";

export const DEFAULT_UNARY_DEADLINE_MS = 30_000;

export function deadlineInterceptor(defaultMs = DEFAULT_UNARY_DEADLINE_MS): Interceptor {
  return (next) => async (req) => {
    if (req.stream || req.header.has("connect-timeout-ms") || req.header.has("grpc-timeout")) return next(req);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeout("Deadline exceeded")), defaultMs);
    });
    try {
      return await Promise.race([next(req), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
