// What the authentication flows need, injected once by the composition root.
import type { Clock } from "../../infra/clock.js";
import type { Config } from "../../infra/config/load.js";
import type { Database } from "../../infra/db/database.js";
import type { Logger } from "../../infra/logging/logger.js";
import type { Random } from "../../infra/random.js";
import type { ShortLivedStore } from "../../infra/store/types.js";
import type { BruteForceGuard } from "../abuse/brute-force-guard.js";
import type { RequestRateLimiter } from "../abuse/request-rate-limiter.js";
import type { PublicIdCodec } from "../ids/public-id-codec.js";
import type { RuntimeSettingsSource } from "../settings/runtime-settings.js";
import type { OpaqueService } from "./opaque/opaque-service.js";
import type { TokenCodec } from "./tokens/token-codec.js";

export interface AuthDeps {
  database: Database;
  store: ShortLivedStore;
  opaque: OpaqueService;
  tokens: TokenCodec;
  ids: PublicIdCodec;
  bruteForce: BruteForceGuard;
  limiter: RequestRateLimiter;
  settings: RuntimeSettingsSource;
  passwordPolicy: Config["password_complexity"];
  refreshTtlSeconds: number;
  clock: Clock;
  random: Random;
  log: Logger;
  /** Waits; injected so tests of StartLogin's timing pad need not sleep. */
  sleep(ms: number): Promise<void>;
}

/** Where a request came from, for brute-force and rate-limit keys. */
export interface RequestOrigin {
  ip: string;
}
