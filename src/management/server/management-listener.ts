// The management listener (spec 08 §4.1): the same HTTP/1.1 + h2c server as the API port, bound to
// the Unix socket (0600 in a 0700 directory) or to 127.0.0.1 only. Closing it lets in-flight calls
// finish (the stop stream's last event), then removes the socket file.
import { chmod, unlink } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { AddressInfo } from "node:net";
import { createDualProtocolServer, type DualRequestHandler } from "../../api/transport/dual-protocol-server.js";
import { prepareSocketPath } from "./socket-path-guard.js";

export type ManagementEndpoint = { transport: "unix"; socketPath: string } | { transport: "tcp"; port: number };

export interface ManagementListener {
  /** The socket path, or 127.0.0.1:port. */
  address: string;
  /** Stop accepting; wait up to `graceMs` for in-flight calls; cut the rest; remove the socket. */
  close(graceMs?: number): Promise<void>;
}

const LOOPBACK = "127.0.0.1";

export async function listenManagement(
  endpoint: ManagementEndpoint,
  handler: DualRequestHandler,
): Promise<ManagementListener> {
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const tracked: DualRequestHandler = (req, res) => {
    inFlight += 1;
    (res as ServerResponse | Http2ServerResponse).once("close", () => {
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    });
    handler(req as IncomingMessage & Http2ServerRequest, res);
  };
  const server = createDualProtocolServer(tracked);

  let address: string;
  if (endpoint.transport === "unix") {
    await prepareSocketPath(endpoint.socketPath);
    // Bind under umask 0177 so the socket is never briefly reachable by others, then chmod anyway.
    const previous = process.umask(0o177);
    try {
      await listen(() => server.listen(endpoint.socketPath));
    } finally {
      process.umask(previous);
    }
    await chmod(endpoint.socketPath, 0o600);
    address = endpoint.socketPath;
  } else {
    await listen(() => server.listen(endpoint.port, LOOPBACK));
    address = `${LOOPBACK}:${(server.address() as AddressInfo).port}`;
  }

  function listen(start: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.once("listening", () => {
        server.off("error", reject);
        resolve();
      });
      start();
    });
  }

  let closing: Promise<void> | undefined;
  return {
    address,
    close(graceMs = 5_000) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.drain();
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            idle = resolve;
            setTimeout(resolve, graceMs).unref();
          });
        }
        server.destroyAll();
        await closed;
        if (endpoint.transport === "unix") {
          await unlink(endpoint.socketPath).catch(() => {});
        }
      })();
      return closing;
    },
  };
}
