// Who performs an operation. Core functions take an Actor; transports derive it from credentials.

export type GlobalRole = "ROOT" | "ADMIN" | "USER";

export type Actor =
  | { kind: "anonymous" }
  | {
      kind: "user";
      userId: number;
      role: GlobalRole;
      /** Login session (`sid`): the refresh family this access token belongs to. */
      sessionId: string;
      /** The access token's id and expiry, for logout's blacklist entry. */
      tokenId: string;
      tokenExpiresAt: number;
    }
  | { kind: "guest"; guestId: string; roomId: number }
  /** The management plane's synthetic root (spec 08 §4.1): no user row, cannot log in. */
  | { kind: "management" };

export const anonymousActor: Actor = { kind: "anonymous" };
