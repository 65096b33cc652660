// Handler-side access to the call's origin: the lazily authenticated actor and the client address.
import type { HandlerContext } from "@connectrpc/connect";
import type { Actor } from "../core/actor.js";
import type { RequestOrigin } from "../core/auth/auth-deps.js";
import { callerKey, clientIpKey } from "./context.js";

export function callerOf(ctx: HandlerContext): Promise<Actor> {
  return ctx.values.get(callerKey)();
}

export function originOf(ctx: HandlerContext): RequestOrigin {
  return { ip: ctx.values.get(clientIpKey) };
}
