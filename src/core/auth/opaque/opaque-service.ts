// The OPAQUE port of the auth core (spec 05 §3.2–3.4): password flows that stretch keys run in a bounded
// worker pool; the cheap server-only steps of the client-side OPAQUE RPCs run on the main thread.

import { ready, server } from "@serenity-kit/opaque";
import { type OpaquePoolStats, OpaqueWorkerPool } from "./opaque-pool.js";
import { OpaqueServerSteps, type ServerLoginStart, toBase64Url } from "./opaque-server-steps.js";

/** Stored with every credential: records are only usable with the same suite and key stretching. */
export const OPAQUE_CIPHERSUITE = "ristretto255-tripledh-sha512-argon2id";
/** Version of `security.opaque_server_setup_secret` the records were made with (it never rotates). */
export const OPAQUE_SETUP_VERSION = 1;

export type { ServerLoginStart } from "./opaque-server-steps.js";

export interface OpaqueService {
  /** Server-run registration of a plaintext password (direct signup, set-password, room passwords). */
  registerPassword(identifier: string, password: string): Promise<{ registrationRecord: Uint8Array }>;
  /** Server-run login; `record` null (decoy, no password) costs the same and is always false. */
  verifyPassword(identifier: string, record: Uint8Array | null, password: string): Promise<boolean>;
  /** StartOpaqueRegistration: the registration response for the client's request (base64url). */
  createRegistrationResponse(identifier: string, registrationRequest: string): string;
  /** FinishOpaqueRegistration: the client's record as bytes to store, once checked to load. */
  parseRegistrationRecord(registrationRecord: string): Uint8Array;
  /** StartOpaqueLogin. */
  startLogin(identifier: string, record: Uint8Array | null, startLoginRequest: string): ServerLoginStart;
  /** FinishOpaqueLogin: null for any failed proof. */
  finishLogin(serverLoginState: string, finishLoginRequest: string): { sessionKey: string } | null;
  /** Pool occupancy, for metrics and tests. */
  poolStats(): OpaquePoolStats;
  close(): Promise<void>;
}

export interface OpaqueServiceOptions {
  /** `security.opaque_server_setup_secret`. */
  serverSetup: string;
  /** Concurrent key stretchings; default 4. */
  poolSize?: number;
  /** Waiting operations before RESOURCE_EXHAUSTED; default 64. */
  queueLimit?: number;
}

/** Loads the setup (fails fast if it does not load) and returns the service; workers start on first use. */
export async function createOpaqueService(options: OpaqueServiceOptions): Promise<OpaqueService> {
  await ready;
  try {
    server.getPublicKey(options.serverSetup);
  } catch {
    // The library's message is about deserialization; the value itself is never included.
    throw new Error("security.opaque_server_setup_secret does not load as an OPAQUE server setup");
  }
  const steps = new OpaqueServerSteps(options.serverSetup);
  const pool = new OpaqueWorkerPool(options);

  return {
    async registerPassword(identifier, password) {
      const response = await pool.run({ op: "register", identifier, password });
      if (!response.ok || response.op !== "register") throw new Error("unexpected OPAQUE worker response");
      return { registrationRecord: new Uint8Array(Buffer.from(response.record, "base64url")) };
    },
    async verifyPassword(identifier, record, password) {
      const response = await pool.run({
        op: "verify",
        identifier,
        record: record === null ? null : toBase64Url(record),
        password,
      });
      if (!response.ok || response.op !== "verify") throw new Error("unexpected OPAQUE worker response");
      return response.valid;
    },
    createRegistrationResponse: (identifier, request) => steps.createRegistrationResponse(identifier, request),
    parseRegistrationRecord: (record) => steps.parseRegistrationRecord(record),
    startLogin: (identifier, record, request) => steps.startLogin(identifier, record, request),
    finishLogin: (state, request) => steps.finishLogin(state, request),
    poolStats: () => pool.stats(),
    close: () => pool.close(),
  };
}
