// Answers requests for paths no service owns. An unknown RPC gets UNIMPLEMENTED in the form of
// the protocol the client spoke (gRPC trailers, gRPC-Web headers, Connect JSON), with ErrorInfo;
// anything else gets a plain JSON 404.
import { Code, ConnectError } from "@connectrpc/connect";
import { errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import type { FastifyReply, FastifyRequest } from "fastify";
import { unimplemented } from "../../core/errors.js";
import { mapError } from "../error-info.js";

export function answerUnknownRoute(req: FastifyRequest, reply: FastifyReply): void {
  const contentType = String(req.headers["content-type"] ?? "");
  const looksLikeRpc = /^\/[A-Za-z_][\w.]*\/[A-Za-z_]\w*$/.test(req.url.split("?")[0] ?? "");
  const error = mapError(unimplemented(`Unknown method ${req.url.split("?")[0]}`), String(req.id)).error;

  reply.hijack();
  const res = reply.raw;
  res.setHeader("x-request-id", String(req.id));
  if (contentType.startsWith("application/grpc-web")) {
    const headers = setTrailerStatus(new Headers(), error);
    res.writeHead(200, { "content-type": contentType, ...Object.fromEntries(headers) });
    res.end();
    return;
  }
  if (contentType.startsWith("application/grpc")) {
    const trailers = setTrailerStatus(new Headers(), error);
    res.writeHead(200, { "content-type": "application/grpc" });
    res.addTrailers(Object.fromEntries(trailers));
    res.end();
    return;
  }
  if (looksLikeRpc) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(errorToJsonBytes(error, {}));
    return;
  }
  const notFound = new ConnectError("Not found", Code.NotFound);
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ code: "not_found", message: notFound.rawMessage }));
}
