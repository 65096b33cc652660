// A minimal Connect JSON (unary, HTTP/1.1) client for drivers that must read each answer: login and
// refresh follow state from one response to the next request, which autocannon cannot do. node:http
// with a keep-alive agent (one socket per concurrent caller) keeps the driver's own cost small.
import http from "node:http";
import { fromBinary } from "@bufbuild/protobuf";
import { ErrorInfoSchema } from "../../gen/synctv/v1/errors_pb.js";

export interface RpcOutcome {
  /** HTTP status, or 0 when no answer came back (connection error, client timeout). */
  status: number;
  /** Connect error code (`unauthenticated`, `resource_exhausted`…), `transport`, or null on success. */
  code: string | null;
  /** The decoded JSON body (the response message, or the Connect error object). */
  body: Record<string, unknown> | undefined;
  /** Request written → response body fully read, in ms. */
  ms: number;
}

export interface ErrorSummary {
  code: string | null;
  message?: unknown;
  /** synctv.v1.ErrorInfo from the error's details: the app code and the server's request id. */
  app_code?: number;
  request_id?: string;
}

export class ConnectJsonClient {
  readonly #agent: http.Agent;
  readonly #host: string;
  readonly #port: number;

  constructor(baseUrl: string, maxSockets: number) {
    const url = new URL(baseUrl);
    this.#host = url.hostname;
    this.#port = Number(url.port);
    this.#agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** One unary call: `procedure` is `/synctv.v1.Service/Method`. Never rejects. */
  call(procedure: string, message: object, timeoutMs: number): Promise<RpcOutcome> {
    const payload = Buffer.from(JSON.stringify(message));
    const started = performance.now();
    return new Promise((resolve) => {
      let settled = false;
      const done = (outcome: Omit<RpcOutcome, "ms">) => {
        if (settled) return;
        settled = true;
        resolve({ ...outcome, ms: performance.now() - started });
      };
      const req = http.request(
        {
          host: this.#host,
          port: this.#port,
          method: "POST",
          path: procedure,
          agent: this.#agent,
          headers: { "content-type": "application/json", "content-length": payload.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", () => done({ status: res.statusCode ?? 0, code: "transport", body: undefined }));
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            let body: Record<string, unknown> | undefined;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
            } catch {
              body = undefined;
            }
            const code = status === 200 ? null : typeof body?.code === "string" ? body.code : `http_${status}`;
            done({ status, code, body });
          });
        },
      );
      req.setTimeout(timeoutMs, () => {
        req.destroy(new Error("client timeout"));
        done({ status: 0, code: "client_timeout", body: undefined });
      });
      req.on("error", () => done({ status: 0, code: "transport", body: undefined }));
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** The parts of a Connect error worth printing: code, message and the ErrorInfo detail. */
export function summarizeError(outcome: RpcOutcome): ErrorSummary {
  const summary: ErrorSummary = { code: outcome.code, message: outcome.body?.message };
  const details = outcome.body?.details;
  if (Array.isArray(details)) {
    for (const d of details as { type?: string; value?: string }[]) {
      if (d.type !== "synctv.v1.ErrorInfo" || typeof d.value !== "string") continue;
      try {
        const info = fromBinary(ErrorInfoSchema, Buffer.from(d.value, "base64"));
        summary.app_code = info.errorCode;
        summary.request_id = info.requestId;
      } catch {
        // An undecodable detail is itself worth seeing: keep the rest of the summary.
      }
    }
  }
  return summary;
}
