import { randomBytes } from "node:crypto";
import { client, ready, server } from "@serenity-kit/opaque";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../../errors.js";
import { createOpaqueService, type OpaqueService } from "./opaque-service.js";

let serverSetup: string;
let service: OpaqueService;

beforeAll(async () => {
  await ready;
  serverSetup = server.createSetup();
  service = await createOpaqueService({ serverSetup });
});

afterAll(async () => {
  await service?.close();
});

function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a DomainError");
}

/** The browser's half of a login, run in the test (it stretches the password like a real client). */
function clientLogin(identifier: string, record: Uint8Array | null, password: string) {
  const start = client.startLogin({ password });
  const { loginResponse, serverLoginState } = service.startLogin(identifier, record, start.startLoginRequest);
  const finished = client.finishLogin({ clientLoginState: start.clientLoginState, loginResponse, password });
  return { finished, serverLoginState };
}

describe("OPAQUE service: server-run password flows (worker pool)", () => {
  it("a registered password verifies; a wrong one does not", async () => {
    const { registrationRecord } = await service.registerPassword("user:alice", "Correct-Horse-7");
    expect(registrationRecord).toBeInstanceOf(Uint8Array);
    expect(registrationRecord.length).toBe(192);
    const [right, wrong] = await Promise.all([
      service.verifyPassword("user:alice", registrationRecord, "Correct-Horse-7"),
      service.verifyPassword("user:alice", registrationRecord, "correct-horse-7"),
    ]);
    expect(right).toBe(true);
    expect(wrong).toBe(false);
  });

  it("the record is bound to its identifier", async () => {
    const { registrationRecord } = await service.registerPassword("user-id:41", "Bound-Password-1");
    expect(await service.verifyPassword("user-id:42", registrationRecord, "Bound-Password-1")).toBe(false);
  });

  it("a decoy (no record) is false, whatever the password", async () => {
    expect(await service.verifyPassword("user:nobody", null, "Any-Password-1")).toBe(false);
  });
});

describe("OPAQUE service: client-side RPC steps (main thread)", () => {
  it("a client registration and login yield the same session key on both sides", () => {
    const password = "Browser-Pass-9";
    const reg = client.startRegistration({ password });
    const registrationResponse = service.createRegistrationResponse("user:bob", reg.registrationRequest);
    const { registrationRecord } = client.finishRegistration({
      clientRegistrationState: reg.clientRegistrationState,
      registrationResponse,
      password,
    });
    const stored = service.parseRegistrationRecord(registrationRecord);

    const { finished, serverLoginState } = clientLogin("user:bob", stored, password);
    expect(finished).toBeDefined();
    const result = service.finishLogin(serverLoginState, finished!.finishLoginRequest);
    expect(result).toEqual({ sessionKey: finished!.sessionKey });
  });

  it("a record registered on the server opens with a client-side login", async () => {
    const { registrationRecord } = await service.registerPassword("user:carol", "Server-Made-3");
    const { finished, serverLoginState } = clientLogin("user:carol", registrationRecord, "Server-Made-3");
    expect(service.finishLogin(serverLoginState, finished!.finishLoginRequest)).not.toBeNull();
  });

  it("a wrong password or a decoy gives the client nothing to finish with", async () => {
    const { registrationRecord } = await service.registerPassword("user:dave", "Real-Password-5");
    expect(clientLogin("user:dave", registrationRecord, "Wrong-Password-5").finished).toBeUndefined();
    expect(clientLogin("user:nobody", null, "Real-Password-5").finished).toBeUndefined();
  });

  it("a finish message from another login is a failed proof (null), not an error", async () => {
    const { registrationRecord } = await service.registerPassword("user:erin", "Erin-Password-2");
    const first = clientLogin("user:erin", registrationRecord, "Erin-Password-2");
    const second = clientLogin("user:erin", registrationRecord, "Erin-Password-2");
    expect(service.finishLogin(second.serverLoginState, first.finished!.finishLoginRequest)).toBeNull();
  });

  it("invalid client messages are INVALID_ARGUMENT, never a crash", () => {
    // 0xff… is above the field prime, so it is never a valid point (random bytes sometimes are).
    const garbage = ["", "!!!", "a b", "AAAA", "A", Buffer.alloc(32, 0xff).toString("base64url"), "x".repeat(5000)];
    for (const message of garbage) {
      expect(domainError(() => service.createRegistrationResponse("user:x", message)).code, message).toBe(3000);
      expect(domainError(() => service.startLogin("user:x", null, message)).code, message).toBe(3000);
      expect(domainError(() => service.parseRegistrationRecord(message)).code, message).toBe(3000);
    }
    // Padded or standard base64 is not the library's encoding.
    const request = client.startLogin({ password: "p" }).startLoginRequest;
    expect(domainError(() => service.startLogin("user:x", null, `${request}=`)).kind).toBe("INVALID_ARGUMENT");
    // The size of a record, but its client public key does not decode.
    const fakeRecord = Buffer.alloc(192, 0xff).toString("base64url");
    expect(domainError(() => service.parseRegistrationRecord(fakeRecord)).fieldViolations[0]?.field).toBe(
      "registration_record",
    );
  });

  it("a malformed finish message is a failed proof (null)", () => {
    const { serverLoginState } = clientLogin("user:nobody", null, "whatever");
    for (const message of ["", "!!!", "AAAA", randomBytes(64).toString("base64url"), "x".repeat(5000)]) {
      expect(service.finishLogin(serverLoginState, message)).toBeNull();
    }
    expect(service.finishLogin("not-a-state", "AAAA")).toBeNull();
  });
});

describe("OPAQUE service: setup", () => {
  it("a setup that does not load is refused at creation, without echoing it", async () => {
    const bogus = Buffer.alloc(128, 0xff).toString("base64url");
    const attempt = createOpaqueService({ serverSetup: bogus });
    await expect(attempt).rejects.toThrow("does not load");
    await attempt.catch((e: Error) => expect(e.message).not.toContain(bogus));
  });
});
