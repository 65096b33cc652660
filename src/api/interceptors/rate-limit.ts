// Spends one request of the RPC's category (spec 02 §2.9, 05 §5.2) for the caller: user or guest id
// when the credentials verify, else the client IP, so a failed authentication is still charged.
import type { Interceptor, StreamRequest, UnaryRequest } from "@connectrpc/connect";
import type { RateSubject } from "../../core/abuse/rate-subject.js";
import type { RequestRateLimiter } from "../../core/abuse/request-rate-limiter.js";
import { categoryOf, type RateCategory } from "../../core/abuse/rpc-categories.js";
import type { Actor } from "../../core/actor.js";
import { callerKey, clientIpKey } from "../context.js";

type Call = Pick<UnaryRequest | StreamRequest, "service" | "method" | "contextValues">;

/**
 * `refresh` and `guest` are limited inside core, per token family / client IP, because only the
 * flow knows the family (spec 05 §3.6, §3.7); health and reflection are never limited.
 */
function limitedCategory(call: Call): RateCategory | undefined {
  const rule = categoryOf(call.service.typeName, call.method.name);
  return rule === "unlimited" || rule === "refresh" || rule === "guest" ? undefined : rule;
}

/**
 * Resolves the caller through the memoized resolver the authentication interceptor installed, so
 * the handler reuses this verification. When it fails, the call is charged under its IP and goes
 * on: a handler that needs the actor gets the same rejection and returns it (05 §4.2 step 6), while
 * a `public` RPC, which ignores tokens (02 §2.2), is not failed by a stale one.
 */
async function subjectOf(call: Call): Promise<RateSubject | undefined> {
  const byIp: RateSubject = { kind: "ip", ip: call.contextValues.get(clientIpKey) };
  let actor: Actor;
  try {
    actor = await call.contextValues.get(callerKey)();
  } catch {
    return byIp;
  }
  switch (actor.kind) {
    case "user":
      return { kind: "user", id: actor.userId };
    case "guest":
      return { kind: "guest", id: actor.guestId };
    case "anonymous":
      return byIp;
    case "management":
      // The local management plane (spec 05 §7) is not a public client; it has no budget.
      return undefined;
  }
}

/** Must run after authenticationInterceptor (it reads the caller resolver that one installs). */
export function rateLimitInterceptor(limiter: RequestRateLimiter): Interceptor {
  return (next) => async (req) => {
    const category = limitedCategory(req);
    if (category !== undefined) {
      const subject = await subjectOf(req);
      if (subject !== undefined) await limiter.consume(category, subject);
    }
    return next(req);
  };
}
