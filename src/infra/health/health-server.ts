// The probe listener (default 127.0.0.1:8081): /health/live while the event loop answers,
// /health/ready per the readiness report. Never on the public API port.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ReadinessReport } from "./readiness.js";

export interface HealthServer {
  listen(host: string, port: number): Promise<AddressInfo>;
  close(): Promise<void>;
}

export function createHealthServer(readiness: () => Promise<ReadinessReport>): HealthServer {
  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, { status: "method_not_allowed" });
    if (path === "/health/live") return send(res, 200, { status: "ok" });
    if (path === "/health/ready") {
      const report = await readiness();
      return send(res, report.ready ? 200 : 503, report.body);
    }
    send(res, 404, { status: "not_found" });
  });
  server.keepAliveTimeout = 1_000;
  return {
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
