// The whole node (config → database → store → core → API) in this process, on ephemeral ports,
// against the test database and store of this run: PGlite + memory by default, real PostgreSQL
// and Redis when SYNCTV_TEST_DATABASE_URL / SYNCTV_TEST_REDIS_URL are set.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type LoadedConfig, loadConfig } from "../../src/infra/config/load.js";
import { createLogger } from "../../src/infra/logging/logger.js";
import { type RunningNode, startNode } from "../../src/main.js";
import { createTestDatabase } from "./database.js";
import { createTestStore } from "./store.js";

export interface TestNode {
  node: RunningNode;
  baseUrl: string;
  /** host:port for gRPC clients. */
  address: string;
  loaded: LoadedConfig;
  database: Awaited<ReturnType<typeof createTestDatabase>>["database"];
  logText(): string;
  close(): Promise<void>;
}

/** `env` uses the SYNCTV_* names of the config schema, e.g. { SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_AUTH: "100" }. */
export async function startTestNode(env: Record<string, string> = {}): Promise<TestNode> {
  const dataDir = await mkdtemp(join(tmpdir(), "synctv-node-"));
  const testDb = await createTestDatabase();
  const testStore = await createTestStore();
  const loaded = await loadConfig({
    dotenv: false,
    dataDir,
    env: {
      HOME: process.env.HOME,
      SYNCTV_SERVER_HOST: "127.0.0.1",
      SYNCTV_SERVER_PORT: "0",
      SYNCTV_HEALTH_ENABLED: "false",
      SYNCTV_REALTIME_PORT: "0",
      ...env,
    },
    materializeDevSecrets: true,
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ level: "debug", format: "json", nodeId: "test-node", destination: sink });
  const node = await startNode({ loaded, log, database: testDb.database, store: testStore.store });
  return {
    node,
    baseUrl: `http://127.0.0.1:${node.api.port}`,
    address: `127.0.0.1:${node.api.port}`,
    loaded,
    database: testDb.database,
    logText: () => lines.join(""),
    async close() {
      await node.stop({ force: true });
      await testStore.close();
      await testDb.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
