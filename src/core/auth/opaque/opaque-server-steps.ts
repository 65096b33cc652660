// The server-only OPAQUE steps behind the client-side OPAQUE RPCs (spec 05 §3.3). They involve no key
// stretching, so they run on the main thread; messages from clients are checked so that garbage becomes
// INVALID_ARGUMENT instead of an exception from the WASM library.

import { client, server } from "@serenity-kit/opaque";
import { invalidArgument } from "../../errors.js";

// Far above any real message (the largest, a login response, is ~430 characters); the proto caps at 4096.
const MAX_MESSAGE_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// A registration record: client public key (32) + masking key (64) + envelope (nonce 32 + MAC 64).
const REGISTRATION_RECORD_BYTES = 192;

export interface ServerLoginStart {
  loginResponse: string;
  /** Secret server state; kept only in the short-lived login session (never PostgreSQL, never logs). */
  serverLoginState: string;
}

function malformed(field: string) {
  return invalidArgument("Invalid OPAQUE message", {
    fieldViolations: [{ field, rule: "opaque.message", description: `${field} is not a valid OPAQUE message` }],
  });
}

/** The library's messages are unpadded base64url; anything else is refused before it reaches WASM. */
function checkMessage(field: string, value: string): void {
  if (typeof value !== "string" || value.length > MAX_MESSAGE_LENGTH || !BASE64URL.test(value)) throw malformed(field);
  if (Buffer.from(value, "base64url").toString("base64url") !== value) throw malformed(field);
}

export const toBase64Url = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");

export class OpaqueServerSteps {
  readonly #serverSetup: string;
  // A genuine start-login request (of a throwaway password) to trial-load client-built records with.
  readonly #probeStartLoginRequest: string;

  /** `serverSetup` must already be known to load, and the library must be ready. */
  constructor(serverSetup: string) {
    this.#serverSetup = serverSetup;
    this.#probeStartLoginRequest = client.startLogin({ password: "record-probe" }).startLoginRequest;
  }

  /** First registration round: the client's blinded request in, the server's response out. */
  createRegistrationResponse(identifier: string, registrationRequest: string): string {
    checkMessage("registration_request", registrationRequest);
    try {
      return server.createRegistrationResponse({
        serverSetup: this.#serverSetup,
        userIdentifier: identifier,
        registrationRequest,
      }).registrationResponse;
    } catch {
      throw malformed("registration_request");
    }
  }

  /**
   * A client-built registration record (FinishOpaqueRegistration) as bytes to store, after checking it has
   * the record's size and loads: a record the library cannot load would fail every later login with
   * INVALID_ARGUMENT. (A well-formed record of a forgotten password only locks out the client who sent it.)
   */
  parseRegistrationRecord(registrationRecord: string): Uint8Array {
    checkMessage("registration_record", registrationRecord);
    const bytes = Buffer.from(registrationRecord, "base64url");
    if (bytes.length !== REGISTRATION_RECORD_BYTES) throw malformed("registration_record");
    try {
      server.startLogin({
        serverSetup: this.#serverSetup,
        userIdentifier: "record-probe",
        registrationRecord,
        startLoginRequest: this.#probeStartLoginRequest,
      });
    } catch {
      throw malformed("registration_record");
    }
    return new Uint8Array(bytes);
  }

  /** First login round. `record` null (decoy, or no password) yields an indistinguishable fake response. */
  startLogin(identifier: string, record: Uint8Array | null, startLoginRequest: string): ServerLoginStart {
    checkMessage("start_login_request", startLoginRequest);
    try {
      const { loginResponse, serverLoginState } = server.startLogin({
        serverSetup: this.#serverSetup,
        userIdentifier: identifier,
        registrationRecord: record === null ? null : toBase64Url(record),
        startLoginRequest,
      });
      return { loginResponse, serverLoginState };
    } catch {
      // Stored records were checked when written, so what fails here is the client's message.
      throw malformed("start_login_request");
    }
  }

  /**
   * Second login round: the session key on success, else null. Any failure, a malformed message included,
   * is a failed proof (05 §3.3) that the caller records as a brute-force failure.
   */
  finishLogin(serverLoginState: string, finishLoginRequest: string): { sessionKey: string } | null {
    if (typeof finishLoginRequest !== "string" || finishLoginRequest.length > MAX_MESSAGE_LENGTH) return null;
    try {
      const result = server.finishLogin({ serverLoginState, finishLoginRequest });
      return result === undefined ? null : { sessionKey: result.sessionKey };
    } catch {
      return null;
    }
  }
}
