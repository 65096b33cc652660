// Starts the real API listener (all routes, interceptors, one port) on an ephemeral port for
// transport-level tests, with an in-memory log sink the test can inspect.
import { Writable } from "node:stream";
import { type ApiServer, buildApiServer } from "../../src/api/api-server.js";
import { anonymousAuthenticator } from "../../src/api/interceptors/authentication.js";
import { apiRoutes } from "../../src/api/routes.js";
import { RequestRateLimiter } from "../../src/core/abuse/request-rate-limiter.js";
import { staticSettings } from "../../src/core/settings/runtime-settings.js";
import { systemClock } from "../../src/infra/clock.js";
import { defaultConfig } from "../../src/infra/config/schema.js";
import { createLogger } from "../../src/infra/logging/logger.js";
import { createMemoryStore } from "../../src/infra/store/index.js";

export interface TestApi {
  api: ApiServer;
  /** Flip gRPC health to NOT_SERVING, as shutdown does. */
  stopServing(): void;
  baseUrl: string;
  /** host:port for gRPC clients. */
  address: string;
  logLines(): string[];
  close(): Promise<void>;
}

export interface TestApiOptions {
  tls?: { cert: Buffer; key: Buffer };
}

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const log = createLogger({ level: "info", format: "json", nodeId: "test-node", destination: sink });
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const api = await buildApiServer({
    host: "127.0.0.1",
    port: 0,
    tls: options.tls,
    corsAllowedOrigins: ["https://app.example.test"],
    trustedProxies: [],
    maxMessageBytes: 16 * 1024 * 1024,
    log,
    clock: systemClock,
    authenticator: anonymousAuthenticator,
    rateLimiter: new RequestRateLimiter({
      store: createMemoryStore({ clock: systemClock }),
      fallback: createMemoryStore({ clock: systemClock }),
      // Transport tests send many calls from one address; they test protocols, not budgets.
      limits: {
        ...defaultConfig().request_rate_limits,
        categories: { ...defaultConfig().request_rate_limits.categories, read: 1_000_000, write: 1_000_000 },
      },
      clock: systemClock,
    }),
    routes: apiRoutes({
      public: {
        clock: systemClock,
        settings: staticSettings(),
        identity: {
          serverId: "test-node",
          version: "0.0.0-test",
          devMode: true,
          realtimePublicUrl: "",
          realtimePort: 8082,
          features: [],
          enabledProviders: [],
        },
      },
      serving: { isServing: () => true, stopped },
      enableReflection: true,
    }),
  });
  const address = await api.listen();
  return {
    api,
    stopServing: stop,
    baseUrl: `${options.tls ? "https" : "http"}://127.0.0.1:${address.port}`,
    address: `127.0.0.1:${address.port}`,
    logLines: () => lines,
    close: async () => {
      stop();
      await api.close(1000);
    },
  };
}
