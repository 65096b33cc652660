// Builds the authentication graph for the composition root: codecs, the OPAQUE pool, abuse
// controls and the flows the AuthService exposes. Kept apart from main.ts so that file stays a
// readable sequence of start-up steps.

import type { AuthServiceDeps } from "./api/services/auth-service.js";
import { BruteForceGuard } from "./core/abuse/brute-force-guard.js";
import { RequestRateLimiter } from "./core/abuse/request-rate-limiter.js";
import { AccessVerifier } from "./core/auth/access-verifier.js";
import type { AuthDeps } from "./core/auth/auth-deps.js";
import { GuestTokens } from "./core/auth/guest-tokens.js";
import { LoginFlows } from "./core/auth/login-flows.js";
import { createOpaqueService } from "./core/auth/opaque/opaque-service.js";
import { RegistrationFlows } from "./core/auth/registration-flows.js";
import { SessionTokens } from "./core/auth/session-tokens.js";
import { TokenCodec } from "./core/auth/tokens/token-codec.js";
import { PublicIdCodec } from "./core/ids/public-id-codec.js";
import { GuestAdmission } from "./core/rooms/guest-admission.js";
import type { RuntimeSettingsSource } from "./core/settings/runtime-settings.js";
import type { Clock } from "./infra/clock.js";
import type { Config } from "./infra/config/load.js";
import type { Database } from "./infra/db/database.js";
import type { Logger } from "./infra/logging/logger.js";
import { cryptoRandom } from "./infra/random.js";
import type { ShortLivedStore } from "./infra/store/types.js";

export interface AuthAssemblyInput {
  config: Config;
  database: Database;
  store: ShortLivedStore;
  fallbackStore: ShortLivedStore;
  settings: RuntimeSettingsSource;
  clock: Clock;
  log: Logger;
  onFallback(category: string): void;
}

export async function assembleAuth(input: AuthAssemblyInput) {
  const { config, database, store, fallbackStore, settings, clock, log, onFallback } = input;
  // Public ids are derived from a key that never rotates (rotating it would change every id).
  const ids = new PublicIdCodec(config.security.credential_encryption_key);
  const opaque = await createOpaqueService({ serverSetup: config.security.opaque_server_setup_secret });
  const tokens = new TokenCodec({
    secret: config.jwt.secret,
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    accessTtlSeconds: config.jwt.access_ttl_seconds,
    refreshTtlSeconds: config.jwt.refresh_ttl_seconds,
    guestTtlSeconds: config.jwt.guest_ttl_seconds,
    leewaySeconds: config.jwt.leeway_seconds,
    clock,
    random: cryptoRandom,
  });
  const failClosed = config.cluster.enabled;
  const limiter = new RequestRateLimiter({
    store,
    fallback: fallbackStore,
    limits: config.request_rate_limits,
    clock,
    onFallback,
    failClosed,
  });
  const bruteForce = new BruteForceGuard({ store, fallback: fallbackStore, clock, onFallback, failClosed });
  const deps: AuthDeps = {
    database,
    store,
    opaque,
    tokens,
    ids,
    bruteForce,
    limiter,
    settings,
    passwordPolicy: config.password_complexity,
    refreshTtlSeconds: config.jwt.refresh_ttl_seconds,
    clock,
    random: cryptoRandom,
    log: log.child({ component: "auth" }),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const guestAdmission = new GuestAdmission(database, settings, clock);
  const sessionTokens = new SessionTokens(deps);
  const api: AuthServiceDeps = {
    login: new LoginFlows(deps, sessionTokens),
    registration: new RegistrationFlows(deps, sessionTokens),
    sessionTokens,
    guestTokens: new GuestTokens(deps, guestAdmission),
    ids,
  };
  const verifier = new AccessVerifier({ database, tokens, ids, guests: guestAdmission });
  return { ids, opaque, tokens, limiter, bruteForce, verifier, guestAdmission, api };
}
