import { create, type DescMethodUnary, type DescService } from "@bufbuild/protobuf";
import {
  Code,
  type ConnectError,
  createContextValues,
  type Interceptor,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { Health } from "../../../gen/grpc/health/v1/health_pb.js";
import { AuthService } from "../../../gen/synctv/v1/auth_service_pb.js";
import { ErrorInfoSchema } from "../../../gen/synctv/v1/errors_pb.js";
import { UserService } from "../../../gen/synctv/v1/user_service_pb.js";
import { rateLimits } from "../../../test/abuse/abuse-fixtures.js";
import type { RequestRateLimits } from "../../core/abuse/rate-limit-policy.js";
import { RequestRateLimiter } from "../../core/abuse/request-rate-limiter.js";
import type { Actor } from "../../core/actor.js";
import { unauthenticated } from "../../core/errors.js";
import { ManualClock } from "../../infra/clock.js";
import { createMemoryStore } from "../../infra/store/memory-store.js";
import { callerKey, clientIpKey } from "../context.js";
import { mapError } from "../error-info.js";
import { type Authenticator, authenticationInterceptor } from "./authentication.js";
import { rateLimitInterceptor } from "./rate-limit.js";

const IP = "203.0.113.9";
const OTHER_IP = "203.0.113.10";

/** Bearer tokens the fake authenticator knows; any other token fails authentication. */
const tokens: Record<string, Actor> = {
  alice: { kind: "user", userId: 1, role: "USER", sessionId: "s1", tokenId: "t1", tokenExpiresAt: 0 },
  bob: { kind: "user", userId: 2, role: "USER", sessionId: "s2", tokenId: "t2", tokenExpiresAt: 0 },
  guest: { kind: "guest", guestId: "gst_abc", roomId: 9 },
};

const fakeAuthenticator: Authenticator = {
  async authenticate(headers) {
    const bearer = headers.get("authorization")?.replace(/^Bearer /, "");
    if (bearer === undefined) return { kind: "anonymous" };
    const actor = tokens[bearer];
    if (actor === undefined) throw unauthenticated("Authentication failed");
    return actor;
  },
};

/**
 * The chain as api-server.ts wires it: authentication (lazy caller), rate limit, then a handler that,
 * like every non-public handler, awaits the caller; AuthService handlers here stand for `public` ones.
 */
function chain(limits: RequestRateLimits = rateLimits()) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const store = createMemoryStore({ clock });
  const limiter = new RequestRateLimiter({ store, fallback: store, limits, clock });
  const interceptors: Interceptor[] = [authenticationInterceptor(fakeAuthenticator), rateLimitInterceptor(limiter)];
  const handler = async (req: UnaryRequest): Promise<UnaryResponse> => {
    if (req.service.typeName !== AuthService.typeName) await req.contextValues.get(callerKey)();
    return {
      stream: false,
      message: create(req.method.output),
      header: new Headers(),
      trailer: new Headers(),
    } as never;
  };
  const call = interceptors.reduceRight<(req: UnaryRequest) => Promise<UnaryResponse>>(
    (next, interceptor) => interceptor(next as never) as never,
    handler,
  );

  return {
    clock,
    async send(service: DescService, method: DescMethodUnary, options: { ip?: string; token?: string } = {}) {
      const contextValues = createContextValues();
      contextValues.set(clientIpKey, options.ip ?? IP);
      const header = new Headers(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` });
      const req = {
        stream: false,
        service,
        method,
        requestMethod: "POST",
        url: `http://x/${service.typeName}/${method.name}`,
        signal: new AbortController().signal,
        header,
        contextValues,
        message: create(method.input),
      } as UnaryRequest;
      try {
        await call(req);
        return "ok" as const;
      } catch (e) {
        const mapped = mapError(e, "req-1");
        if (mapped.unexpected !== undefined) throw mapped.unexpected;
        return mapped.error;
      }
    },
  };
}

function codeOf(outcome: "ok" | ConnectError): "ok" | Code {
  return outcome === "ok" ? outcome : outcome.code;
}

async function times<T>(n: number, f: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await f());
  return out;
}

const startLogin = AuthService.method.startLogin;
const getProfile = UserService.method.getProfile;

describe("rate-limit interceptors", () => {
  it("keys anonymous calls by client IP", async () => {
    const { send } = chain();
    expect((await times(5, () => send(AuthService, startLogin))).map(codeOf)).toEqual(Array(5).fill("ok"));
    expect(codeOf(await send(AuthService, startLogin))).toBe(Code.ResourceExhausted);
    expect(codeOf(await send(AuthService, startLogin, { ip: OTHER_IP }))).toBe("ok");
  });

  it("keys users by id, whatever address they call from", async () => {
    const { send } = chain(rateLimits({ read: { max_requests: 2 } }));
    await send(UserService, getProfile, { token: "alice", ip: IP });
    await send(UserService, getProfile, { token: "alice", ip: OTHER_IP });
    expect(codeOf(await send(UserService, getProfile, { token: "alice", ip: "192.0.2.1" }))).toBe(
      Code.ResourceExhausted,
    );
    expect(codeOf(await send(UserService, getProfile, { token: "bob", ip: IP }))).toBe("ok");
    expect(codeOf(await send(UserService, getProfile, { ip: IP }))).toBe("ok");
  });

  it("keys guests by guest id", async () => {
    const { send } = chain(rateLimits({ read: { max_requests: 1 } }));
    await send(UserService, getProfile, { token: "guest", ip: IP });
    expect(codeOf(await send(UserService, getProfile, { token: "guest", ip: OTHER_IP }))).toBe(Code.ResourceExhausted);
  });

  it("a public RPC with a stale token is charged under the IP and still answered", async () => {
    const { send } = chain();
    expect((await times(5, () => send(AuthService, startLogin, { token: "forged" }))).map(codeOf)).toEqual(
      Array(5).fill("ok"),
    );
    expect(codeOf(await send(AuthService, startLogin))).toBe(Code.ResourceExhausted);
  });

  it("limits calls that fail authentication under their IP before answering", async () => {
    const { send } = chain(rateLimits({ read: { max_requests: 2 } }));
    const outcomes = await times(3, () => send(UserService, getProfile, { token: "forged" }));
    expect(outcomes.map(codeOf)).toEqual([Code.Unauthenticated, Code.Unauthenticated, Code.ResourceExhausted]);
    // The same IP's anonymous budget is the one that was spent.
    expect(codeOf(await send(UserService, getProfile))).toBe(Code.ResourceExhausted);
    expect(codeOf(await send(UserService, getProfile, { token: "forged", ip: OTHER_IP }))).toBe(Code.Unauthenticated);
  });

  it("answers RESOURCE_EXHAUSTED 2002 with retry_after_ms and a Retry-After header", async () => {
    const { send, clock } = chain();
    await times(5, () => send(AuthService, startLogin));
    clock.advance(20_000);
    const outcome = await send(AuthService, startLogin);
    if (outcome === "ok") throw new Error("expected a rate-limit error");
    expect(outcome.code).toBe(Code.ResourceExhausted);
    expect(outcome.metadata.get("retry-after")).toBe("40");
    const [info] = outcome.findDetails(ErrorInfoSchema);
    expect(info?.errorCode).toBe(2002);
    expect(info?.retryAfterMs).toBe(40_000n);
  });

  it("leaves refresh, guest-token and health calls to their own limits", async () => {
    const { send } = chain(rateLimits({ auth: { max_requests: 0 }, read: { max_requests: 0 } }));
    expect(codeOf(await send(AuthService, AuthService.method.refreshToken))).toBe("ok");
    expect(codeOf(await send(AuthService, AuthService.method.createGuestToken))).toBe("ok");
    expect(codeOf(await send(Health, Health.method.check))).toBe("ok");
    expect(codeOf(await send(AuthService, startLogin))).toBe(Code.ResourceExhausted);
  });
});
