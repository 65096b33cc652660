// Both halves of OPAQUE for a plaintext password the server has seen (spec 05 §3.2): direct login,
// direct signup, admin/CLI set-password and room passwords. The client half stretches the password with
// argon2id (~0.4 s of CPU), so these run only inside the worker pool, never on the main thread.

import { client, server } from "@serenity-kit/opaque";

/** A fresh registration record (base64url, as the library produces it) for `password`. */
export function registerWithPassword(serverSetup: string, identifier: string, password: string): string {
  const { clientRegistrationState, registrationRequest } = client.startRegistration({ password });
  const { registrationResponse } = server.createRegistrationResponse({
    serverSetup,
    userIdentifier: identifier,
    registrationRequest,
  });
  // The library's default key stretching, like every other OPAQUE client (05 §3.3): changing it would
  // invalidate every stored record.
  const { registrationRecord } = client.finishRegistration({ clientRegistrationState, registrationResponse, password });
  return registrationRecord;
}

/**
 * Whether `password` opens `record`. A null record (decoy, or a user without a password) runs the same
 * steps against the library's fake record, so both cost the same and both answer false.
 */
export function verifyWithPassword(
  serverSetup: string,
  identifier: string,
  record: string | null,
  password: string,
): boolean {
  const { clientLoginState, startLoginRequest } = client.startLogin({ password });
  const { loginResponse, serverLoginState } = server.startLogin({
    serverSetup,
    userIdentifier: identifier,
    registrationRecord: record,
    startLoginRequest,
  });
  const finished = client.finishLogin({ clientLoginState, loginResponse, password });
  if (finished === undefined || record === null) return false;
  try {
    server.finishLogin({ serverLoginState, finishLoginRequest: finished.finishLoginRequest });
    return true;
  } catch {
    return false;
  }
}
