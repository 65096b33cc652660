import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { ErrorInfoSchema, ErrorKind } from "../../gen/synctv/v1/errors_pb.js";
import { AppCode, conflict, permissionDenied, rateLimited } from "../core/errors.js";
import { mapError } from "./error-info.js";

describe("mapError", () => {
  it("an unexpected error becomes INTERNAL 'Internal error' and keeps its details out of the reply", () => {
    const secret = new Error("connection to postgres://admin:hunter2@db failed at Foo.bar (/src/x.ts:1)");
    const { error, unexpected } = mapError(secret, "req-12345678");
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toBe("Internal error");
    expect(error.message).not.toContain("hunter2");
    expect(error.cause).toBeUndefined();
    expect(unexpected).toBe(secret);
    const [info] = error.findDetails(ErrorInfoSchema);
    expect(info?.errorCode).toBe(9000);
    expect(info?.requestId).toBe("req-12345678");
  });

  it("a domain error keeps its specific app code, metadata and kind's status", () => {
    const { error } = mapError(
      permissionDenied("Missing permission", { metadata: { permission: "send_chat_messages" } }),
      "r",
    );
    expect(error.code).toBe(Code.PermissionDenied);
    const [info] = error.findDetails(ErrorInfoSchema);
    expect(info?.kind).toBe(ErrorKind.PERMISSION_DENIED);
    expect(info?.errorCode).toBe(4000);
    expect(info?.metadata).toEqual({ permission: "send_chat_messages" });
  });

  it("a version conflict is ABORTED 2003 and a source change 2301", () => {
    expect(mapError(conflict("stale"), "r").error.code).toBe(Code.Aborted);
    const { error } = mapError(conflict("source moved", { code: AppCode.PLAYBACK_SOURCE_CHANGED }), "r");
    expect(error.findDetails(ErrorInfoSchema)[0]?.errorCode).toBe(2301);
  });

  it("a rate limit carries retry_after_ms and a Retry-After header in seconds", () => {
    const { error } = mapError(rateLimited(1500), "r");
    expect(error.code).toBe(Code.ResourceExhausted);
    expect(error.findDetails(ErrorInfoSchema)[0]?.retryAfterMs).toBe(1500n);
    expect(error.metadata.get("retry-after")).toBe("2");
  });

  it("framework errors gain exactly one ErrorInfo; undecodable bodies are INVALID_ARGUMENT", () => {
    const { error } = mapError(new ConnectError("parse binary: premature EOF", Code.Internal), "r");
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.findDetails(ErrorInfoSchema)).toHaveLength(1);
    const again = mapError(error, "r").error;
    expect(again.findDetails(ErrorInfoSchema)).toHaveLength(1);
  });
});
