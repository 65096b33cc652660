// The public API listener: Fastify on one port speaking Connect (JSON and binary), gRPC and
// gRPC-Web over HTTP/1.1 and h2c (or TLS with ALPN). Builds without listening so tests can start
// the real server on port 0.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { cors as connectCors, createContextValues } from "@connectrpc/connect";
import cors from "@fastify/cors";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import type { RequestRateLimiter } from "../core/abuse/request-rate-limiter.js";
import type { Clock } from "../infra/clock.js";
import { clientIpKey, receivedAtKey, requestHostKey, requestIdKey } from "./context.js";
import { type Authenticator, authenticationInterceptor } from "./interceptors/authentication.js";
import { deadlineInterceptor } from "./interceptors/deadline.js";
import { errorMappingInterceptor } from "./interceptors/error-mapping.js";
import { rateLimitInterceptor } from "./interceptors/rate-limit.js";
import { validationInterceptor } from "./interceptors/validation.js";
import { requestIdFrom } from "./request-id.js";
import { createClientIpResolver } from "./transport/client-ip.js";
import { mountConnect } from "./transport/connect-mount.js";
import {
  createDualProtocolServer,
  type DualProtocolServer,
  type DualRequestHandler,
  type TlsFiles,
} from "./transport/dual-protocol-server.js";
import { answerUnknownRoute } from "./transport/unknown-route.js";

export interface ApiServerOptions {
  host: string;
  port: number;
  tls?: TlsFiles;
  corsAllowedOrigins: readonly string[];
  trustedProxies: readonly string[];
  /** Hard cap for any body (spec 02 §2.10); per-service limits are lower. */
  maxMessageBytes: number;
  log: Logger;
  clock: Clock;
  authenticator: Authenticator;
  rateLimiter: RequestRateLimiter;
  /** Registers every service on the router; extra interceptors run inside the standard ones. */
  routes: (router: ConnectRouter) => void;
  interceptors?: Interceptor[];
}

export interface ApiServer {
  app: FastifyInstance;
  listen(): Promise<AddressInfo>;
  /** Stop accepting, let in-flight calls finish up to `graceMs`, then cut what is left. */
  close(graceMs?: number): Promise<void>;
}

const EXPOSED_HEADERS = [...connectCors.exposedHeaders, "x-request-id", "retry-after"];
const ALLOWED_HEADERS = [...connectCors.allowedHeaders, "authorization", "traceparent", "tracestate", "x-request-id"];

export async function buildApiServer(options: ApiServerOptions): Promise<ApiServer> {
  let server: DualProtocolServer | undefined;
  const clientIp = createClientIpResolver(options.trustedProxies);
  const app = Fastify({
    loggerInstance: options.log.child({ component: "api" }),
    // Per-request lines would double the log volume; RPC failures are logged by the error mapper.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "request_id" }),
    // A pino child per request (with our long redaction list) is measurable per-call cost; RPC
    // logs carry request_id explicitly instead.
    childLoggerFactory: (logger) => logger,
    requestIdHeader: false,
    genReqId: (req) => requestIdFrom(req.headers["x-request-id"]),
    bodyLimit: options.maxMessageBytes,
    return503OnClosing: false,
    // Fastify only sees Node's request/response pair; HTTP/2 requests arrive through the
    // compatibility API, which it handles as it would HTTP/1.1.
    serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
      server = createDualProtocolServer(handler as DualRequestHandler, options.tls);
      return server as unknown as Server;
    },
  }) as unknown as FastifyInstance;

  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });

  await app.register(cors, {
    origin: options.corsAllowedOrigins.length > 0 ? [...options.corsAllowedOrigins] : false,
    methods: [...connectCors.allowedMethods],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 7200,
  });

  await mountConnect(app, {
    log: options.log,
    routes: options.routes,
    router: {
      readMaxBytes: options.maxMessageBytes,
      interceptors: [
        errorMappingInterceptor(options.log.child({ component: "api" })),
        deadlineInterceptor(),
        authenticationInterceptor(options.authenticator),
        // Before validation, so invalid requests spend budget too.
        rateLimitInterceptor(options.rateLimiter),
        validationInterceptor(),
        ...(options.interceptors ?? []),
      ],
    },
    contextValues: (req) => {
      const values = createContextValues();
      values.set(requestIdKey, String(req.id));
      values.set(receivedAtKey, options.clock.now());
      values.set(clientIpKey, clientIp(req.socket.remoteAddress, headerValue(req.headers["x-forwarded-for"])));
      values.set(requestHostKey, { host: req.host, secure: options.tls !== undefined });
      return values;
    },
  });

  app.setNotFoundHandler(answerUnknownRoute);

  return {
    app,
    async listen() {
      await app.listen({ host: options.host, port: options.port });
      return server!.address() as AddressInfo;
    },
    async close(graceMs = 10_000) {
      if (!server) return;
      server.drain();
      const timer = setTimeout(() => server?.destroyAll(), graceMs);
      timer.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(",") : v;
}
