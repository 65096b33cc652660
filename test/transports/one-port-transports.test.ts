// One port, every protocol: the same PublicService call over Connect JSON (plain fetch), Connect
// binary, gRPC (@grpc/grpc-js, h2c), gRPC-Web, and buf curl through reflection alone.
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetServerTimeRequestSchema, PublicService } from "../../gen/synctv/v1/public_service_pb.js";
import { startTestApi, type TestApi } from "../support/api-harness.js";
import { bufCurl } from "../support/buf-curl.js";
import { GrpcJsClient } from "../support/grpc-js-client.js";

let api: TestApi;
let grpc: GrpcJsClient;

beforeAll(async () => {
  api = await startTestApi();
  grpc = new GrpcJsClient(api.address);
});
afterAll(async () => {
  grpc.close();
  await api.close();
});

function expectTimeProbe(clientTime: bigint, received: bigint, sent: bigint, echoed: bigint) {
  expect(echoed).toBe(clientTime);
  expect(received).toBeGreaterThan(0n);
  expect(sent).toBeGreaterThanOrEqual(received);
}

describe("GetServerTime on the one API port", () => {
  it("answers Connect JSON from plain curl-like fetch, with x-request-id", async () => {
    const res = await fetch(`${api.baseUrl}/synctv.v1.PublicService/GetServerTime`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientTimeMs: "1700000000000" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9._-]{8,128}$/);
    const body = (await res.json()) as Record<string, string>;
    expectTimeProbe(
      1700000000000n,
      BigInt(body.serverReceivedMs!),
      BigInt(body.serverSentMs!),
      BigInt(body.clientTimeMs!),
    );
  });

  it("answers Connect reads via HTTP GET (NO_SIDE_EFFECTS)", async () => {
    const message = encodeURIComponent(JSON.stringify({ clientTimeMs: "42" }));
    const res = await fetch(
      `${api.baseUrl}/synctv.v1.PublicService/GetServerTime?connect=v1&encoding=json&message=${message}`,
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { clientTimeMs: string }).clientTimeMs).toBe("42");
  });

  it("answers Connect binary", async () => {
    const client = createClient(
      PublicService,
      createConnectTransport({ baseUrl: api.baseUrl, httpVersion: "1.1", useBinaryFormat: true }),
    );
    const res = await client.getServerTime({ clientTimeMs: 7n });
    expectTimeProbe(7n, res.serverReceivedMs, res.serverSentMs, res.clientTimeMs);
  });

  it("answers gRPC from @grpc/grpc-js over h2c", async () => {
    const res = await grpc.unary(
      PublicService.method.getServerTime,
      create(GetServerTimeRequestSchema, { clientTimeMs: 9n }),
    );
    expect(res.ok).toBe(true);
    if (res.ok) expectTimeProbe(9n, res.message.serverReceivedMs, res.message.serverSentMs, res.message.clientTimeMs);
  });

  it("answers gRPC-Web", async () => {
    const client = createClient(PublicService, createGrpcWebTransport({ baseUrl: api.baseUrl, httpVersion: "1.1" }));
    const res = await client.getServerTime({ clientTimeMs: 11n });
    expectTimeProbe(11n, res.serverReceivedMs, res.serverSentMs, res.clientTimeMs);
  });

  it("answers buf curl over gRPC using reflection only", async () => {
    const out = await bufCurl([
      "--protocol",
      "grpc",
      "--http2-prior-knowledge",
      "-d",
      '{"clientTimeMs":"13"}',
      `${api.baseUrl}/synctv.v1.PublicService/GetServerTime`,
    ]);
    expect(out.stderr).toBe("");
    const body = JSON.parse(out.stdout) as { clientTimeMs: string; serverSentMs: string };
    expect(body.clientTimeMs).toBe("13");
    expect(BigInt(body.serverSentMs)).toBeGreaterThan(0n);
  });

  it("lists every service and method to buf curl through reflection", async () => {
    const out = await bufCurl(["--protocol", "grpc", "--http2-prior-knowledge", "--list-methods", api.baseUrl]);
    expect(out.code).toBe(0);
    const methods = out.stdout.trim().split("\n");
    for (const m of PublicService.methods) expect(methods).toContain(`synctv.v1.PublicService/${m.name}`);
    expect(methods).toContain("grpc.health.v1.Health/Check");
  });
});

describe("x-request-id", () => {
  it("echoes a well-formed client id", async () => {
    const res = await fetch(`${api.baseUrl}/synctv.v1.PublicService/GetServerInfo`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "client-req-0001" },
      body: "{}",
    });
    expect(res.headers.get("x-request-id")).toBe("client-req-0001");
  });

  it("replaces an id that could inject text into logs", async () => {
    const res = await fetch(`${api.baseUrl}/synctv.v1.PublicService/GetServerInfo`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "bad id\twith spaces" },
      body: "{}",
    });
    const id = res.headers.get("x-request-id");
    expect(id).not.toBe("bad id\twith spaces");
    expect(id).toMatch(/^[A-Za-z0-9._-]{8,128}$/);
  });
});

describe("CORS for browser clients", () => {
  it("allows a configured origin to send Connect and auth headers", async () => {
    const res = await fetch(`${api.baseUrl}/synctv.v1.PublicService/GetServerTime`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example.test",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,connect-protocol-version,authorization",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.test");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("gives an unknown origin no CORS grant", async () => {
    const res = await fetch(`${api.baseUrl}/synctv.v1.PublicService/GetServerTime`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example.test", "access-control-request-method": "POST" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("the whole P1 contract is mounted", () => {
  const p1Services = [
    "synctv.v1.AuthService",
    "synctv.v1.UserService",
    "synctv.v1.RoomService",
    "synctv.v1.PlaylistService",
    "synctv.v1.PlaybackService",
    "synctv.v1.ChatService",
    "synctv.v1.RealtimeService",
    "synctv.v1.ProviderService",
    "synctv.v1.PublicService",
  ];

  it("reflection lists every P1 service", async () => {
    const out = await bufCurl(["--protocol", "grpc", "--http2-prior-knowledge", "--list-services", api.baseUrl]);
    const services = out.stdout.trim().split("\n");
    for (const s of p1Services) expect(services).toContain(s);
  });

  it("an RPC whose issue has not landed answers UNIMPLEMENTED with app code 9004", async () => {
    const res = await fetch(`${api.baseUrl}/synctv.v1.RoomService/GetRoom`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ roomId: "room_abc123" }),
    });
    expect(res.status).toBe(501);
    const body = (await res.json()) as { code: string; details: { type: string; debug: { errorCode: number } }[] };
    expect(body.code).toBe("unimplemented");
    expect(body.details[0]?.debug.errorCode).toBe(9004);
  });
});
