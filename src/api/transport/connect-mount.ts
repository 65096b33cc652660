// Mounts a Connect router on Fastify. Compared with @connectrpc/connect-fastify it (1) takes every
// content type raw so Connect itself answers a wrong one in protocol form, (2) adds the ErrorInfo
// detail to failures Connect raises before our interceptors run (malformed body, oversize), and
// (3) logs through pino instead of the console.
import {
  type ConnectRouter,
  type ConnectRouterOptions,
  type ContextValues,
  createConnectRouter,
} from "@connectrpc/connect";
import type { UniversalServerResponse } from "@connectrpc/connect/protocol";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { addTransportErrorInfo } from "./transport-error-info.js";

export interface ConnectMountOptions {
  routes: (router: ConnectRouter) => void;
  router: ConnectRouterOptions;
  contextValues: (req: FastifyRequest) => ContextValues;
  log: Logger;
}

export async function mountConnect(app: FastifyInstance, options: ConnectMountOptions): Promise<void> {
  const router = createConnectRouter({
    acceptCompression: [compressionGzip, compressionBrotli],
    ...options.router,
  });
  options.routes(router);

  await app.register(async (scope) => {
    // Bodies are read by Connect, in every content type, so protocol errors keep protocol form.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_req, _payload, done) => done(null, undefined));

    for (const handler of router.handlers) {
      scope.all(handler.requestPath, async (req, reply) => {
        reply.hijack();
        try {
          const contextValues = options.contextValues(req);
          const uReq = universalRequestFromNodeRequest(req.raw, reply.raw, undefined, contextValues);
          let uRes: UniversalServerResponse = await handler(uReq);
          uRes = await addTransportErrorInfo(uRes, String(req.id));
          for (const [key, value] of Object.entries(reply.getHeaders())) {
            if (value !== undefined) reply.raw.setHeader(key, value);
          }
          await universalResponseToNodeResponse(uRes, reply.raw);
        } catch (e) {
          // The response was already streaming or the client went away; nothing left to tell it.
          options.log.warn({ err: e, request_id: req.id, rpc: handler.requestPath }, "RPC response aborted");
          if (!reply.raw.headersSent) reply.raw.destroy();
        }
      });
    }
  });
}
