// With server.tls the same port negotiates HTTP/1.1 or HTTP/2 by ALPN; and a graceful close lets
// long-lived HTTP/2 streams finish (gRPC health Watch reports NOT_SERVING, then ends) while the
// listener stops accepting.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HealthCheckRequestSchema,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../gen/grpc/health/v1/health_pb.js";
import { PublicService } from "../../gen/synctv/v1/public_service_pb.js";
import { startTestApi, type TestApi } from "../support/api-harness.js";

function selfSignedCertificate() {
  const dir = mkdtempSync(join(tmpdir(), "synctv-tls-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

describe("TLS with ALPN on the API port", () => {
  let api: TestApi;
  let cert: Buffer;
  beforeAll(async () => {
    const tls = selfSignedCertificate();
    cert = tls.cert;
    api = await startTestApi({ tls });
  });
  afterAll(async () => api.close());

  it("serves Connect over HTTPS/1.1", async () => {
    const client = createClient(
      PublicService,
      createConnectTransport({ baseUrl: api.baseUrl, httpVersion: "1.1", nodeOptions: { ca: cert } }),
    );
    const res = await client.getServerTime({ clientTimeMs: 3n });
    expect(res.clientTimeMs).toBe(3n);
  });

  it("serves gRPC over TLS HTTP/2 to @grpc/grpc-js", async () => {
    const client = new grpc.Client(api.address, grpc.credentials.createSsl(cert));
    const answer = await new Promise<{ clientTimeMs: bigint }>((resolve, reject) => {
      client.makeUnaryRequest(
        "/synctv.v1.PublicService/GetServerTime",
        (m: Uint8Array) => Buffer.from(m),
        (b: Buffer) => fromBinary(PublicService.method.getServerTime.output, b),
        toBinary(
          PublicService.method.getServerTime.input,
          create(PublicService.method.getServerTime.input, { clientTimeMs: 4n }),
        ),
        (err, value) => (err ? reject(err) : resolve(value!)),
      );
    });
    client.close();
    expect(answer.clientTimeMs).toBe(4n);
  });
});

describe("graceful close", () => {
  it("tells gRPC health watchers NOT_SERVING, ends their streams, then stops accepting", async () => {
    const api = await startTestApi();
    const client = new grpc.Client(api.address, grpc.credentials.createInsecure());
    const statuses: ServingStatus[] = [];
    const call = client.makeServerStreamRequest(
      "/grpc.health.v1.Health/Watch",
      (m: Uint8Array) => Buffer.from(m),
      (b: Buffer) => fromBinary(HealthCheckResponseSchema, b),
      toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, { service: "" })),
    );
    const ended = new Promise<void>((resolve) => {
      call.on("data", (m: { status: ServingStatus }) => statuses.push(m.status));
      call.on("status", () => resolve());
      call.on("error", () => {});
    });
    while (statuses.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(statuses).toEqual([ServingStatus.SERVING]);

    await api.close();
    await ended;
    client.close();
    expect(statuses).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
    await expect(fetch(`${api.baseUrl}/synctv.v1.PublicService/GetServerInfo`, { method: "POST" })).rejects.toThrow();
  });
});
