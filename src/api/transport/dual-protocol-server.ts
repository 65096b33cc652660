// One plaintext port for browsers (HTTP/1.1) and gRPC clients (h2c prior knowledge). Node's
// plaintext HTTP/2 server cannot fall back to HTTP/1.1, so each connection's first bytes are
// compared with the HTTP/2 preface and the socket is handed to the matching inner server.
// With TLS, ALPN does the same job and a single secure HTTP/2 server with allowHTTP1 is used.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2, { type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from "node:http2";
import net, { type Socket } from "node:net";

const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
/** A client that sends nothing for this long is dropped before a protocol is chosen. */
const PREFACE_TIMEOUT_MS = 10_000;

export type DualRequestHandler = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => void;

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** The outer listener plus a way to drain both inner servers. */
export interface DualProtocolServer extends net.Server {
  /** Stop accepting, ask HTTP/2 sessions to finish (GOAWAY), close idle HTTP/1.1 sockets. */
  drain(): void;
  /** Destroy every remaining connection. */
  destroyAll(): void;
}

export function createDualProtocolServer(handler: DualRequestHandler, tls?: TlsFiles): DualProtocolServer {
  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  let draining = false;

  const trackSession = (session: Http2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    if (draining) session.close();
  };

  if (tls) {
    const secure = http2.createSecureServer({ allowHTTP1: true, cert: tls.cert, key: tls.key }, handler);
    secure.on("session", trackSession);
    secure.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    });
    return withDrain(secure as unknown as net.Server, sessions, sockets, () => {
      draining = true;
    });
  }

  const h1 = http.createServer(handler);
  const h2 = http2.createServer({}, handler);
  h2.on("session", trackSession);
  // Keep-alive HTTP/1.1 sockets must not hold shutdown open.
  h1.keepAliveTimeout = 5_000;

  const outer = net.createServer({ pauseOnConnect: false }, (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    routeByPreface(socket, h1, h2);
  });
  const server = withDrain(outer, sessions, sockets, () => {
    draining = true;
    h1.closeIdleConnections();
  });
  outer.on("close", () => {
    h1.close();
    h2.close();
  });
  return server;
}

function routeByPreface(socket: Socket, h1: http.Server, h2: http2.Http2Server): void {
  let buffered = Buffer.alloc(0);
  socket.setTimeout(PREFACE_TIMEOUT_MS, () => socket.destroy());
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const n = Math.min(buffered.length, HTTP2_PREFACE.length);
    const matches = buffered.subarray(0, n).equals(HTTP2_PREFACE.subarray(0, n));
    if (matches && n < HTTP2_PREFACE.length) return; // still ambiguous: wait for more bytes
    socket.off("data", onData);
    socket.setTimeout(0);
    socket.pause();
    socket.unshift(buffered);
    if (matches) {
      // The HTTP/2 session reads the socket's native handle itself (and drains what was
      // unshifted); resuming the JS stream here would steal its bytes.
      h2.emit("connection", socket);
    } else {
      h1.emit("connection", socket);
      socket.resume();
    }
  };
  socket.on("data", onData);
  socket.on("error", () => socket.destroy());
}

function withDrain(
  server: net.Server,
  sessions: Set<Http2Session>,
  sockets: Set<Socket>,
  onDrain: () => void,
): DualProtocolServer {
  const dual = server as DualProtocolServer;
  dual.drain = () => {
    onDrain();
    for (const session of sessions) session.close();
  };
  dual.destroyAll = () => {
    for (const session of sessions) session.destroy();
    for (const socket of sockets) socket.destroy();
  };
  return dual;
}
