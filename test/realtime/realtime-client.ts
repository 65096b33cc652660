// A plain client for the realtime listener, independent of the server's code: raw HTTP upgrade
// requests (to read refusal statuses) and Node's global WebSocket speaking JSON or protobuf frames.
import { request } from "node:http";
import { create, fromBinary, fromJsonString, type MessageInitShape, toBinary, toJsonString } from "@bufbuild/protobuf";
import { ClientMessageSchema, type ServerMessage, ServerMessageSchema } from "../../gen/synctv/v1/realtime_pb.js";
import { callJson } from "../support/connect-json.js";
import type { TestNode } from "../support/node-harness.js";

export const REALTIME_ENV = {
  SYNCTV_REALTIME_HOST: "127.0.0.1",
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WEBSOCKET: "100000",
};

/** The HTTP status an upgrade request gets (101 when the server accepted it). */
export function upgradeStatus(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  upgrade = true,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port,
      path,
      method: "GET",
      headers: upgrade
        ? {
            connection: "Upgrade",
            upgrade: "websocket",
            "sec-websocket-version": "13",
            "sec-websocket-key": Buffer.from("0123456789abcdef").toString("base64"),
            ...headers,
          }
        : headers,
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

export async function createTicket(t: TestNode, roomPublicId: string, token: string): Promise<string> {
  const r = await callJson<{ ticket: string; expiresInSecs: string; usage: string }>(
    t.baseUrl,
    "synctv.v1.RealtimeService/CreateWebSocketTicket",
    { roomId: roomPublicId },
    token,
  );
  if (r.status !== 200) throw new Error(`CreateWebSocketTicket: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.ticket;
}

type ServerPayload<K> = Extract<ServerMessage["message"], { case: K }> extends { value: infer V } ? V : never;

export type Framing = "json" | "protobuf";
type ClientInit = MessageInitShape<typeof ClientMessageSchema>;

export class TestSocket {
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** How the socket closed, for failure messages. */
  closeInfo = "";
  #waiters: (() => void)[] = [];

  constructor(
    readonly ws: WebSocket,
    readonly framing: Framing,
  ) {
    ws.binaryType = "arraybuffer";
    ws.addEventListener("message", (event) => {
      const data = event.data as string | ArrayBuffer;
      const message =
        typeof data === "string"
          ? fromJsonString(ServerMessageSchema, data)
          : fromBinary(ServerMessageSchema, new Uint8Array(data));
      this.received.push(message);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (event) => {
        this.closeInfo = `closed with ${event.code} ${event.reason}`;
        resolve({ code: event.code, reason: event.reason });
        for (const wake of this.#waiters.splice(0)) wake();
      });
    });
  }

  send(init: ClientInit): void {
    const message = create(ClientMessageSchema, init);
    this.ws.send(
      this.framing === "json" ? toJsonString(ClientMessageSchema, message) : toBinary(ClientMessageSchema, message),
    );
  }

  /** The next received message of `kind` (searching from the start of those not yet taken). */
  async next<K extends NonNullable<ServerMessage["message"]["case"]>>(
    kind: K,
    // A liveness wait, not a timing assertion: generous, because CI shares one PostgreSQL between
    // many test files and replies can take seconds under that load.
    timeoutMs = 20_000,
  ): Promise<ServerPayload<K>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex((m) => m.message.case === kind);
      if (index >= 0) {
        const [found] = this.received.splice(index, 1);
        return found?.message.value as ServerPayload<K>;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.ws.readyState === WebSocket.CLOSED) {
        const seen = this.received.map((m) => m.message.case).join(",");
        throw new Error(`no ${kind} message received (${this.closeInfo || "still open"}; unread: ${seen})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

export async function connect(port: number, roomPublicId: string, ticket: string, framing: Framing = "json") {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/rooms/${roomPublicId}?ticket=${ticket}&format=${framing}`);
  const socket = new TestSocket(ws, framing);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error("websocket failed to open")));
  });
  return socket;
}
