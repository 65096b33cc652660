// The deliberately vague answers of authentication (spec 05 ground rules): callers learn that
// something failed, never whether the account exists, is banned, or the password was wrong.
import { AppCode, type DomainErrorOptions, permissionDenied, unauthenticated } from "../errors.js";

export const AUTHENTICATION_FAILED = "Authentication failed";

/** Unknown account, wrong password, banned, pending, consumed or expired login session: one answer. */
export const invalidCredentials = () => unauthenticated(AUTHENTICATION_FAILED, { code: AppCode.INVALID_CREDENTIALS });

/** Any token failure other than expiry and a password change. */
export const badToken = (o?: DomainErrorOptions) => unauthenticated(AUTHENTICATION_FAILED, o);

export const refreshTokenReused = () => unauthenticated(AUTHENTICATION_FAILED, { code: AppCode.REFRESH_TOKEN_REUSED });

/** The one distinct message: the token predates a password change. */
export const credentialChanged = () =>
  unauthenticated("Token invalidated by a password change, log in again", { code: AppCode.CREDENTIAL_CHANGED });

export const guestAccessRevoked = () => unauthenticated("Guest access revoked", { code: AppCode.GUEST_ACCESS_REVOKED });

export const guestNotAllowed = (message = "Guests cannot do this") =>
  permissionDenied(message, { code: AppCode.GUEST_NOT_ALLOWED });
