import { describe, expect, it } from "vitest";
import { isDomainError, notFound } from "../../core/errors.js";
import { isConnectionError, toServiceUnavailable } from "./connection-errors.js";
import { sqlStateOf } from "./sql-state.js";

const wrapped = (cause: object) => Object.assign(new Error("Failed query: SELECT 1"), { cause });

describe("classifying database errors", () => {
  it("treats refused sockets, dropped connections and server shutdown as connection failures", () => {
    expect(isConnectionError(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isConnectionError(wrapped({ code: "CONNECTION_CLOSED" }))).toBe(true);
    expect(isConnectionError(wrapped({ code: "57P01" }))).toBe(true);
    expect(isConnectionError(wrapped({ code: "08006" }))).toBe(true);
  });

  it("leaves constraint violations and other query errors alone", () => {
    const unique = wrapped({ code: "23505" });
    expect(isConnectionError(unique)).toBe(false);
    expect(toServiceUnavailable(unique)).toBe(unique);
    expect(sqlStateOf(unique)).toBe("23505");
  });

  it("maps a connection failure to serviceUnavailable, keeping the cause, and never rewraps a domain error", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const mapped = toServiceUnavailable(refused);
    expect(isDomainError(mapped) && mapped.kind).toBe("SERVICE_UNAVAILABLE");
    expect((mapped as Error).cause).toBe(refused);
    const domain = notFound();
    expect(toServiceUnavailable(domain)).toBe(domain);
  });

  it("does not mistake a socket code for a SQLSTATE", () => {
    expect(sqlStateOf(Object.assign(new Error("x"), { code: "EPIPE" }))).toBeNull();
  });
});
