// The management token check (spec 05 §7, 08 §4.1): with a token configured, every call on every
// transport carries `authorization: Bearer <token>`. Digests of equal length are compared in constant
// time, so neither the token's length nor its prefix leaks through timing.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Interceptor } from "@connectrpc/connect";
import { unauthenticated } from "../../core/errors.js";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** Whether `header` carries exactly the configured token. */
export function bearerMatches(header: string | null, token: string): boolean {
  const match = /^Bearer (\S+)$/.exec(header ?? "");
  const presented = match?.[1];
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(token));
}

/** No token configured (Unix socket only): file permissions are the authentication. */
export function managementTokenInterceptor(token: string): Interceptor {
  return (next) => async (req) => {
    if (token !== "" && !bearerMatches(req.header.get("authorization"), token)) {
      throw unauthenticated("Missing or wrong management token");
    }
    return next(req);
  };
}
