// Whole nodes in this test process that share one database, one data dir (the same generated
// development secrets, so tokens work on either) and a store under one key prefix — what two server
// processes of one deployment share (08 §7).
import { loadConfig } from "../../src/infra/config/load.js";
import { createLogger } from "../../src/infra/logging/logger.js";
import type { ShortLivedStore } from "../../src/infra/store/types.js";
import { type RunningNode, startNode } from "../../src/main.js";
import type { MembersNode } from "../rooms/members-fixtures.js";
import { idCodecOf } from "../support/accounts.js";
import { callJson } from "../support/connect-json.js";
import type { TestDatabase } from "../support/database.js";
import type { TestNode } from "../support/node-harness.js";
import { REALTIME_ENV } from "./realtime-client.js";

export interface ClusterNodeOptions {
  name: string;
  dataDir: string;
  testDb: TestDatabase;
  store: ShortLivedStore;
  /** Extra `SYNCTV_*` settings for this node. */
  env?: Record<string, string>;
}

/** Starts one node; the caller stops it (`node.stop({ force: true })`) and closes the store. */
export async function startClusterNode(options: ClusterNodeOptions): Promise<[RunningNode, MembersNode]> {
  const { name, testDb } = options;
  const loaded = await loadConfig({
    dotenv: false,
    dataDir: options.dataDir,
    env: {
      HOME: process.env.HOME,
      SYNCTV_SERVER_HOST: "127.0.0.1",
      SYNCTV_SERVER_PORT: "0",
      SYNCTV_HEALTH_ENABLED: "false",
      SYNCTV_MANAGEMENT_ENABLED: "false",
      SYNCTV_REALTIME_PORT: "0",
      SYNCTV_CLUSTER_NODE_ID: name,
      ...REALTIME_ENV,
      ...options.env,
    },
    materializeDevSecrets: true,
  });
  const log = createLogger({ level: "silent", format: "json", nodeId: name });
  const node = await startNode({ loaded, log, database: testDb.database, store: options.store });
  const t = {
    node,
    baseUrl: `http://127.0.0.1:${node.api.port}`,
    address: `127.0.0.1:${node.api.port}`,
    loaded,
    database: testDb.database,
    logText: () => "",
    close: () => node.stop({ force: true }),
  } satisfies TestNode;
  const members: MembersNode = {
    t,
    ids: idCodecOf(t),
    db: testDb.database.db,
    room: (method, body, token) => callJson(t.baseUrl, `synctv.v1.RoomService/${method}`, body, token),
    close: t.close,
  };
  return [node, members];
}
