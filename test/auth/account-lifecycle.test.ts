// Acceptance 1 and 2 of the auth issue, against the whole node: register → login → authenticated
// call → refresh → logout → old tokens rejected, over Connect JSON and over gRPC (@grpc/grpc-js),
// with the direct-password RPCs and with client-side OPAQUE (the test plays the OPAQUE client).
import { create } from "@bufbuild/protobuf";
import * as opaque from "@serenity-kit/opaque";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthService,
  FinishOpaqueLoginRequestSchema,
  FinishOpaqueRegistrationRequestSchema,
  LogoutRequestSchema,
  RefreshTokenRequestSchema,
  StartLoginRequestSchema,
  StartOpaqueLoginRequestSchema,
  StartOpaqueRegistrationRequestSchema,
} from "../../gen/synctv/v1/auth_service_pb.js";
import { GetProfileRequestSchema, UserService } from "../../gen/synctv/v1/user_service_pb.js";
import { callJson } from "../support/connect-json.js";
import { GrpcJsClient } from "../support/grpc-js-client.js";
import { startTestNode, type TestNode } from "../support/node-harness.js";

const GRPC_UNAUTHENTICATED = 16;
let t: TestNode;
let grpc: GrpcJsClient;

beforeAll(async () => {
  // Many auth calls from one address: this file tests flows, not the auth budget.
  t = await startTestNode({ SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_AUTH: "1000" });
  grpc = new GrpcJsClient(t.address);
  await opaque.ready;
});
afterAll(async () => {
  grpc.close();
  await t.close();
});

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

describe("direct password over Connect JSON", () => {
  it("registers, logs in, calls, refreshes, logs out; every old token then fails", async () => {
    const reg = await callJson<{ result: Tokens & { status: string; user: { username: string } } }>(
      t.baseUrl,
      "synctv.v1.AuthService/RegisterWithDirectPassword",
      { username: "alice", password: "Correct-Horse-1" },
    );
    expect(reg.status).toBe(200);
    expect(reg.body.result.status).toBe("REGISTRATION_STATUS_REGISTERED");

    const started = await callJson<{ loginSessionId: string; availableMethods: string[] }>(
      t.baseUrl,
      "synctv.v1.AuthService/StartLogin",
      { identifier: "Alice" },
    );
    expect(started.body.availableMethods).toEqual(["LOGIN_METHOD_PASSWORD"]);
    const login = await callJson<{ result: Tokens }>(t.baseUrl, "synctv.v1.AuthService/LoginWithDirectPassword", {
      loginSessionId: started.body.loginSessionId,
      password: "Correct-Horse-1",
    });
    expect(login.status).toBe(200);
    const first = login.body.result;

    const profile = await callJson<{ user: { username: string; id: string } }>(
      t.baseUrl,
      "synctv.v1.UserService/GetProfile",
      {},
      first.accessToken,
    );
    expect(profile.status).toBe(200);
    expect(profile.body.user.username).toBe("alice");
    expect(profile.body.user.id).toMatch(/^usr_[A-Za-z0-9]+$/);

    const refreshed = await callJson<Tokens>(t.baseUrl, "synctv.v1.AuthService/RefreshToken", {
      refreshToken: first.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    const second = refreshed.body;
    expect((await callJson(t.baseUrl, "synctv.v1.UserService/GetProfile", {}, second.accessToken)).status).toBe(200);

    expect((await callJson(t.baseUrl, "synctv.v1.AuthService/Logout", {}, second.accessToken)).status).toBe(200);
    // Logout is repeatable, so a client can retry it after a network failure.
    expect((await callJson(t.baseUrl, "synctv.v1.AuthService/Logout", {}, second.accessToken)).status).toBe(401);

    for (const token of [second.accessToken]) {
      const r = await callJson(t.baseUrl, "synctv.v1.UserService/GetProfile", {}, token);
      expect(r.status).toBe(401);
      expect(r.errorInfo?.errorCode).toBe(1000);
    }
    for (const refreshToken of [first.refreshToken, second.refreshToken]) {
      const r = await callJson(t.baseUrl, "synctv.v1.AuthService/RefreshToken", { refreshToken });
      expect(r.status).toBe(401);
    }
  });
});

describe("client-side OPAQUE over gRPC (@grpc/grpc-js)", () => {
  it("registers and logs in without the password leaving the client, then runs the token lifecycle", async () => {
    const password = "Gr4pes-and-Figs";
    const reg = opaque.client.startRegistration({ password });
    const startReg = await grpc.unary(
      AuthService.method.startOpaqueRegistration,
      create(StartOpaqueRegistrationRequestSchema, { username: "bob", registrationRequest: reg.registrationRequest }),
    );
    if (!startReg.ok) throw new Error(startReg.error.message);
    const { registrationRecord } = opaque.client.finishRegistration({
      clientRegistrationState: reg.clientRegistrationState,
      registrationResponse: startReg.message.registrationResponse,
      password,
    });
    const finishReg = await grpc.unary(
      AuthService.method.finishOpaqueRegistration,
      create(FinishOpaqueRegistrationRequestSchema, { sessionId: startReg.message.sessionId, registrationRecord }),
    );
    expect(finishReg.ok).toBe(true);

    const started = await grpc.unary(
      AuthService.method.startLogin,
      create(StartLoginRequestSchema, { identifier: "bob" }),
    );
    if (!started.ok) throw new Error(started.error.message);
    const login = opaque.client.startLogin({ password });
    const startLogin = await grpc.unary(
      AuthService.method.startOpaqueLogin,
      create(StartOpaqueLoginRequestSchema, {
        loginSessionId: started.message.loginSessionId,
        startLoginRequest: login.startLoginRequest,
      }),
    );
    if (!startLogin.ok) throw new Error(startLogin.error.message);
    const finished = opaque.client.finishLogin({
      clientLoginState: login.clientLoginState,
      loginResponse: startLogin.message.loginResponse,
      password,
    });
    expect(finished).toBeDefined();
    const done = await grpc.unary(
      AuthService.method.finishOpaqueLogin,
      create(FinishOpaqueLoginRequestSchema, {
        sessionId: startLogin.message.sessionId,
        finishLoginRequest: finished!.finishLoginRequest,
      }),
    );
    if (!done.ok) throw new Error(done.error.message);
    const first = done.message.result!;

    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const profile = await grpc.unary(
      UserService.method.getProfile,
      create(GetProfileRequestSchema),
      bearer(first.accessToken),
    );
    expect(profile.ok && profile.message.user?.username).toBe("bob");

    const refreshed = await grpc.unary(
      AuthService.method.refreshToken,
      create(RefreshTokenRequestSchema, { refreshToken: first.refreshToken }),
    );
    if (!refreshed.ok) throw new Error(refreshed.error.message);
    const loggedOut = await grpc.unary(
      AuthService.method.logout,
      create(LogoutRequestSchema),
      bearer(refreshed.message.accessToken),
    );
    expect(loggedOut.ok).toBe(true);

    const after = await grpc.unary(
      UserService.method.getProfile,
      create(GetProfileRequestSchema),
      bearer(refreshed.message.accessToken),
    );
    expect(after.ok).toBe(false);
    if (!after.ok) expect(after.error.code).toBe(GRPC_UNAUTHENTICATED);
    const reuse = await grpc.unary(
      AuthService.method.refreshToken,
      create(RefreshTokenRequestSchema, { refreshToken: refreshed.message.refreshToken }),
    );
    expect(reuse.ok).toBe(false);
  });

  it("a wrong password in the OPAQUE flow fails at the finisher with the vague answer", async () => {
    const started = await grpc.unary(
      AuthService.method.startLogin,
      create(StartLoginRequestSchema, { identifier: "bob" }),
    );
    if (!started.ok) throw new Error(started.error.message);
    const login = opaque.client.startLogin({ password: "not-the-password" });
    const startLogin = await grpc.unary(
      AuthService.method.startOpaqueLogin,
      create(StartOpaqueLoginRequestSchema, {
        loginSessionId: started.message.loginSessionId,
        startLoginRequest: login.startLoginRequest,
      }),
    );
    if (!startLogin.ok) throw new Error(startLogin.error.message);
    // With the wrong password the client cannot even produce a proof: it sends garbage instead.
    const proof =
      opaque.client.finishLogin({
        clientLoginState: login.clientLoginState,
        loginResponse: startLogin.message.loginResponse,
        password: "not-the-password",
      })?.finishLoginRequest ?? Buffer.alloc(64, 7).toString("base64url");
    const done = await grpc.unary(
      AuthService.method.finishOpaqueLogin,
      create(FinishOpaqueLoginRequestSchema, { sessionId: startLogin.message.sessionId, finishLoginRequest: proof }),
    );
    expect(done.ok).toBe(false);
    if (!done.ok) {
      expect(done.error.code).toBe(GRPC_UNAUTHENTICATED);
      expect(done.error.errorInfo?.errorCode).toBe(1002);
    }
  });
});
