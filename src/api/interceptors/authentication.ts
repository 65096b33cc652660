// Puts a lazy, memoized caller resolver in the context of every call. Handlers that need the
// actor await it; `public` RPCs never do, so a token they ignore cannot fail them. The
// Authenticator is the one shared verification of spec 05 §4.2; access decisions stay in core.
import type { Interceptor } from "@connectrpc/connect";
import type { Actor } from "../../core/actor.js";
import { callerKey } from "../context.js";

export interface Authenticator {
  /** Returns the actor for these credentials; throws an UNAUTHENTICATED domain error for bad ones. */
  authenticate(headers: Headers): Promise<Actor>;
}

export const anonymousAuthenticator: Authenticator = {
  authenticate: async () => ({ kind: "anonymous" }),
};

export function authenticationInterceptor(authenticator: Authenticator): Interceptor {
  return (next) => async (req) => {
    let resolved: Promise<Actor> | undefined;
    req.contextValues.set(callerKey, () => {
      resolved ??= authenticator.authenticate(req.header);
      return resolved;
    });
    return next(req);
  };
}
