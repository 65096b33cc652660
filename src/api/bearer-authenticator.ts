// The API's Authenticator: reads exactly one `Authorization: Bearer <token>` header and hands the
// token to the core AccessVerifier. No header means anonymous; anything malformed is rejected.
import type { Actor } from "../core/actor.js";
import type { AccessVerifier } from "../core/auth/access-verifier.js";
import { badToken } from "../core/auth/auth-errors.js";
import type { Authenticator } from "./interceptors/authentication.js";

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/;

export function bearerAuthenticator(verifier: AccessVerifier): Authenticator {
  return {
    async authenticate(headers: Headers): Promise<Actor> {
      const value = headers.get("authorization");
      if (value === null) return { kind: "anonymous" };
      // Headers joins repeated fields with ", ": two credentials are never accepted.
      const match = BEARER.exec(value.trim());
      if (!match) throw badToken();
      return verifier.actorForToken(match[1]!);
    },
  };
}
