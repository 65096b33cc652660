// The management listener of an in-process node: grpc.health.v1 on the socket, reflection only
// when enabled, and a live socket blocks a second server on the same data dir (08 §4.1, §10).
import http2 from "node:http2";
import net from "node:net";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { loadConfig } from "../../src/infra/config/load.js";
import { createLogger } from "../../src/infra/logging/logger.js";
import { startNode } from "../../src/main.js";
import { createTestDatabase } from "../support/database.js";
import { startTestNode, type TestNode } from "../support/node-harness.js";

/** The HTTP/2 status of a gRPC call to `path` over the socket: 404 when nothing is mounted there. */
async function grpcStatusOf(socketPath: string, path: string): Promise<number> {
  const session = http2.connect("http://localhost", { createConnection: () => net.connect(socketPath) });
  try {
    const stream = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
    });
    stream.end();
    const [headers] = (await new Promise((resolve, reject) => {
      stream.once("response", (h) => resolve([h]));
      stream.once("error", reject);
    })) as [http2.IncomingHttpHeaders];
    stream.close();
    return Number(headers[":status"]);
  } finally {
    session.close();
  }
}

const REFLECTION = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";

describe("the management listener of a running node", { timeout: 60_000 }, () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  }, 90_000);
  afterAll(async () => {
    await node.close();
  });

  it("answers grpc.health.v1 SERVING on the socket", async () => {
    const socketPath = node.node.management ?? "";
    expect(socketPath).toMatch(/\/run\/synctv\.sock$/);
    const transport = createConnectTransport({
      httpVersion: "1.1",
      baseUrl: "http://localhost",
      nodeOptions: { socketPath },
    });
    const health = createClient(Health, transport);
    expect((await health.check({})).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect((await health.check({ service: "synctv.management.v1.ManagementService" })).status).toBe(
      HealthCheckResponse_ServingStatus.SERVING,
    );
  });

  it("serves no reflection unless management.enable_reflection is set", async () => {
    expect(await grpcStatusOf(node.node.management ?? "", REFLECTION)).toBe(404);
  });

  it("refuses to start a second server while the socket is live", async () => {
    const loaded = await loadConfig({
      dotenv: false,
      dataDir: node.loaded.config.data_dir,
      env: {
        HOME: process.env.HOME,
        SYNCTV_SERVER_HOST: "127.0.0.1",
        SYNCTV_SERVER_PORT: "0",
        SYNCTV_HEALTH_ENABLED: "false",
      },
      materializeDevSecrets: true,
    });
    const db = await createTestDatabase();
    try {
      await expect(
        startNode({
          loaded,
          database: db.database,
          log: createLogger({ level: "silent", format: "json", nodeId: "second" }),
        }),
      ).rejects.toThrow(/another SyncTV server is running/);
    } finally {
      await db.drop();
    }
  });
});

describe("management reflection when enabled", { timeout: 60_000 }, () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode({ SYNCTV_MANAGEMENT_ENABLE_REFLECTION: "true" });
  }, 90_000);
  afterAll(async () => {
    await node.close();
  });

  it("is mounted on the socket", async () => {
    expect(await grpcStatusOf(node.node.management ?? "", REFLECTION)).toBe(200);
  });
});
