// Per-call values that transports put in the Connect context: who is calling, the request id,
// and when the request arrived (for four-timestamp clock probes).
import { createContextKey } from "@connectrpc/connect";
import type { Actor } from "../core/actor.js";

export const requestIdKey = createContextKey<string>("", { description: "x-request-id of this call" });
export const receivedAtKey = createContextKey<number>(0, { description: "server time the request arrived (ms)" });
export const clientIpKey = createContextKey<string>("", { description: "client address after trusted proxies" });
/**
 * Resolves the caller on first use and memoizes it. Lazy on purpose: `public` RPCs ignore any
 * token sent (spec 02 §2.2), so a stale token must not fail them.
 */
export const callerKey = createContextKey<() => Promise<Actor>>(async () => ({ kind: "anonymous" }), {
  description: "lazily authenticated caller",
});
export const requestHostKey = createContextKey<{ host: string; secure: boolean }>(
  { host: "", secure: false },
  { description: "host the client addressed, and whether it arrived over TLS" },
);
