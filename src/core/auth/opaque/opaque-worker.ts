// Entry point of an OPAQUE pool worker (worker_threads): runs the key-stretching password flows one at
// a time, off the server's main thread. Started by opaque-pool.ts; never imported by other modules.

import { parentPort, workerData } from "node:worker_threads";
import { ready } from "@serenity-kit/opaque";
import { registerWithPassword, verifyWithPassword } from "./opaque-password-flows.js";
import type { OpaqueWorkerData, OpaqueWorkerRequest, OpaqueWorkerResponse } from "./opaque-worker-protocol.js";

if (parentPort === null) throw new Error("opaque-worker.ts runs only as a worker thread");
const port = parentPort;
const { serverSetup } = workerData as OpaqueWorkerData;

// Messages posted before the WASM module is ready wait in the port's queue until the listener is attached.
await ready;

function handle(request: OpaqueWorkerRequest): OpaqueWorkerResponse {
  try {
    if (request.op === "register") {
      const record = registerWithPassword(serverSetup, request.identifier, request.password);
      return { id: request.id, ok: true, op: "register", record };
    }
    const valid = verifyWithPassword(serverSetup, request.identifier, request.record, request.password);
    return { id: request.id, ok: true, op: "verify", valid };
  } catch (error) {
    return { id: request.id, ok: false, reason: error instanceof Error ? error.message : "unknown error" };
  }
}

port.on("message", (request: OpaqueWorkerRequest) => {
  port.postMessage(handle(request));
});
