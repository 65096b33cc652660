import { create } from "@bufbuild/protobuf";
import { createContextValues, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { GetServerTimeRequestSchema, PublicService } from "../../../gen/synctv/v1/public_service_pb.js";
import { DomainError } from "../../core/errors.js";
import { deadlineInterceptor } from "./deadline.js";

function unaryRequest(headers: Record<string, string> = {}): UnaryRequest {
  const method = PublicService.method.getServerTime;
  return {
    stream: false,
    service: PublicService,
    method,
    requestMethod: "POST",
    url: "http://x/synctv.v1.PublicService/GetServerTime",
    signal: new AbortController().signal,
    header: new Headers(headers),
    contextValues: createContextValues(),
    message: create(GetServerTimeRequestSchema, {}),
  } as UnaryRequest;
}

const never = () => new Promise<UnaryResponse>(() => {});

describe("deadlineInterceptor", () => {
  it("fails a unary call without a client timeout with TIMEOUT once the default passes", async () => {
    const call = deadlineInterceptor(20)(never)(unaryRequest());
    await expect(call).rejects.toSatisfy((e) => e instanceof DomainError && e.kind === "TIMEOUT");
  });

  it("leaves calls that carry their own timeout to Connect", async () => {
    let settled = false;
    void deadlineInterceptor(20)(never)(unaryRequest({ "connect-timeout-ms": "5000" })).finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 60));
    expect(settled).toBe(false);
  });
});
