// Per-call facts of the management transport, put in the Connect context by the listener: which
// transport carried the call and, over TCP, the peer address (both go into audit details).
import { createContextKey } from "@connectrpc/connect";

export interface CallOrigin {
  transport: "unix" | "tcp";
  /** TCP peer address; '' on the Unix socket. */
  peer: string;
  userAgent: string;
}

export const callOriginKey = createContextKey<CallOrigin>(
  { transport: "unix", peer: "", userAgent: "" },
  { description: "management transport of this call" },
);
