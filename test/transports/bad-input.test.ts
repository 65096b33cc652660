// Bad input never reaches INTERNAL and never hurts the server: each kind of failure answers its
// own code in a well-formed Connect or gRPC error, with an ErrorInfo detail.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorInfoSchema, ErrorKind } from "../../gen/synctv/v1/errors_pb.js";
import { GetServerTimeRequestSchema, PublicService } from "../../gen/synctv/v1/public_service_pb.js";
import { startTestApi, type TestApi } from "../support/api-harness.js";
import { GrpcJsClient } from "../support/grpc-js-client.js";

const GRPC = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13 } as const;

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

interface ConnectErrorBody {
  code: string;
  message: string;
  details?: { type: string; value: string }[];
}

async function postConnect(path: string, body: string | Uint8Array, contentType = "application/json") {
  const res = await fetch(`${api.baseUrl}${path}`, { method: "POST", headers: { "content-type": contentType }, body });
  const text = await res.text();
  return { res, text, json: text ? (JSON.parse(text) as ConnectErrorBody) : undefined };
}

function errorInfoOf(body: ConnectErrorBody | undefined) {
  const detail = body?.details?.find((d) => d.type === "synctv.v1.ErrorInfo");
  expect(detail, "an ErrorInfo detail").toBeDefined();
  return fromBinary(ErrorInfoSchema, Buffer.from(detail!.value, "base64"));
}

function expectNoLeak(message: string) {
  expect(message).not.toMatch(/\s+at\s+\S+\s+\(|node_modules|\/src\//);
}

async function expectHealthy() {
  const res = await grpc.unary(
    PublicService.method.getServerTime,
    create(GetServerTimeRequestSchema, { clientTimeMs: 1n }),
  );
  expect(res.ok).toBe(true);
}

const TIME = "/synctv.v1.PublicService/GetServerTime";

describe("bad input over Connect", () => {
  it("malformed JSON answers INVALID_ARGUMENT with ErrorInfo 3000", async () => {
    const { res, json } = await postConnect(TIME, "{not json");
    expect(res.status).toBe(400);
    expect(json?.code).toBe("invalid_argument");
    const info = errorInfoOf(json);
    expect(info.errorCode).toBe(3000);
    expect(info.kind).toBe(ErrorKind.INVALID_ARGUMENT);
    expect(info.requestId).toBe(res.headers.get("x-request-id"));
    expectNoLeak(json!.message);
  });

  it("a protovalidate violation answers INVALID_ARGUMENT with the field violation", async () => {
    const { res, json } = await postConnect(TIME, JSON.stringify({ clientTimeMs: "-5" }));
    expect(res.status).toBe(400);
    expect(json?.code).toBe("invalid_argument");
    const info = errorInfoOf(json);
    expect(info.fieldViolations).toEqual([expect.objectContaining({ field: "client_time_ms", rule: "int64.gte" })]);
  });

  it("a wrong content type answers 415 as the Connect protocol prescribes", async () => {
    const { res } = await postConnect(TIME, "{}", "text/plain");
    expect(res.status).toBe(415);
  });

  it("an oversized body answers RESOURCE_EXHAUSTED", async () => {
    const huge = JSON.stringify({ clientTimeMs: "1", padding: "x".repeat(100 * 1024) });
    const { res, json } = await postConnect(TIME, huge);
    expect(json?.code).toBe("resource_exhausted");
    expect(res.status).toBe(429);
    expect(errorInfoOf(json).kind).toBe(ErrorKind.RATE_LIMITED);
  });

  it("an unknown method answers UNIMPLEMENTED with ErrorInfo 9004", async () => {
    const { res, json } = await postConnect("/synctv.v1.PublicService/NoSuchMethod", "{}");
    expect(res.status).toBe(404);
    expect(json?.code).toBe("unimplemented");
    expect(errorInfoOf(json).errorCode).toBe(9004);
  });

  it("an unknown service answers UNIMPLEMENTED too", async () => {
    const { json } = await postConnect("/synctv.v9.Nothing/Here", "{}");
    expect(json?.code).toBe("unimplemented");
  });

  it("stays healthy afterwards", expectHealthy);
});

describe("bad input over gRPC (@grpc/grpc-js)", () => {
  it("undecodable protobuf answers INVALID_ARGUMENT with ErrorInfo", async () => {
    const res = await grpc.raw(PublicService.method.getServerTime, Uint8Array.from([0x08, 0xff, 0xff, 0xff]));
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe(GRPC.INVALID_ARGUMENT);
    expect(res.error.errorInfo?.errorCode).toBe(3000);
    expectNoLeak(res.error.message);
  });

  it("a protovalidate violation answers INVALID_ARGUMENT with the field violation", async () => {
    const res = await grpc.unary(
      PublicService.method.getServerTime,
      create(GetServerTimeRequestSchema, { clientTimeMs: -1n }),
    );
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe(GRPC.INVALID_ARGUMENT);
    expect(res.error.errorInfo?.fieldViolations[0]?.field).toBe("client_time_ms");
  });

  it("an oversized message answers RESOURCE_EXHAUSTED with ErrorInfo", async () => {
    const valid = toBinary(GetServerTimeRequestSchema, create(GetServerTimeRequestSchema, { clientTimeMs: 1n }));
    // An unknown length-delimited field (number 1000) pads the message past the 64 KiB limit.
    const padding = Buffer.alloc(100 * 1024, 0x61);
    const tag = Buffer.from([0xc2, 0x3e]);
    const len = Buffer.from([0x80, 0x80, 0x06]);
    const res = await grpc.raw(PublicService.method.getServerTime, Buffer.concat([valid, tag, len, padding]));
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe(GRPC.RESOURCE_EXHAUSTED);
    expect(res.error.errorInfo?.kind).toBe(ErrorKind.RATE_LIMITED);
  });

  it("an unknown method answers UNIMPLEMENTED with ErrorInfo 9004", async () => {
    const fake = { ...PublicService.method.getServerTime, name: "NoSuchMethod" };
    const res = await grpc.unary(fake, create(GetServerTimeRequestSchema, { clientTimeMs: 1n }));
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe(GRPC.UNIMPLEMENTED);
    expect(res.error.errorInfo?.errorCode).toBe(9004);
  });

  it("stays healthy afterwards", expectHealthy);
});
