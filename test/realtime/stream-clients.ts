// Stream clients that share no code with the server: Connect server streaming over plain HTTP/1.1
// fetch (the envelope framing by hand, JSON), and @grpc/grpc-js server and bidi streams over h2c.
// Each collects what arrives in a StreamInbox that tests read in order.
import {
  create,
  type DescMessage,
  type DescMethod,
  fromBinary,
  fromJson,
  type JsonValue,
  type MessageInitShape,
  type MessageShape,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import * as grpc from "@grpc/grpc-js";
import { type ErrorInfo, ErrorInfoSchema } from "../../gen/synctv/v1/errors_pb.js";

/** How a stream ended: Connect code names ("ok", "permission_denied", …) for both protocols. */
export interface StreamEnd {
  code: string;
  message: string;
  errorInfo: ErrorInfo | undefined;
}

export class StreamInbox<T> {
  readonly received: T[] = [];
  #read = 0;
  #end: StreamEnd | undefined;
  #waiters: (() => void)[] = [];
  readonly ended: Promise<StreamEnd>;
  #resolveEnd!: (end: StreamEnd) => void;

  constructor() {
    this.ended = new Promise((resolve) => {
      this.#resolveEnd = resolve;
    });
  }

  push(message: T): void {
    this.received.push(message);
    this.#wakeAll();
  }

  finish(end: StreamEnd): void {
    if (this.#end !== undefined) return;
    this.#end = end;
    this.#resolveEnd(end);
    this.#wakeAll();
  }

  /**
   * The next unread message (optionally the next one matching `accept`, skipping others). Waits as
   * long as the stream is open; the test's own timeout bounds it. Throws when the stream ends first.
   */
  async next(accept: (message: T) => boolean = () => true): Promise<T> {
    for (;;) {
      while (this.#read < this.received.length) {
        const message = this.received[this.#read++] as T;
        if (accept(message)) return message;
      }
      if (this.#end !== undefined) {
        throw new Error(`stream ended (${this.#end.code}: ${this.#end.message}) before the expected message`);
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #wakeAll(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

export interface OpenStream<T> {
  inbox: StreamInbox<T>;
  cancel(): void;
}

/** Connect server streaming, JSON, over HTTP/1.1 fetch: what a browser or curl sends. */
export function connectServerStream<I extends DescMessage, O extends DescMessage>(
  baseUrl: string,
  method: DescMethod & { input: I; output: O },
  request: MessageInitShape<I>,
  headers: Record<string, string> = {},
): OpenStream<MessageShape<O>> {
  const inbox = new StreamInbox<MessageShape<O>>();
  const abort = new AbortController();
  const json = JSON.stringify(toJson(method.input, create(method.input, request)));
  void (async () => {
    try {
      const res = await fetch(`${baseUrl}/${method.parent.typeName}/${method.name}`, {
        method: "POST",
        headers: { "content-type": "application/connect+json", "connect-protocol-version": "1", ...headers },
        body: envelope(0, Buffer.from(json)),
        signal: abort.signal,
      });
      if (res.status !== 200 || res.body === null) {
        inbox.finish({ code: `http_${res.status}`, message: await res.text(), errorInfo: undefined });
        return;
      }
      let pending = Buffer.alloc(0);
      for await (const chunk of res.body) {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
          const flags = pending[0] ?? 0;
          const length = pending.readUInt32BE(1);
          const data = JSON.parse(pending.subarray(5, 5 + length).toString("utf8")) as JsonValue;
          pending = pending.subarray(5 + length);
          if ((flags & 0x02) !== 0) {
            inbox.finish(endOfStream(data as EndStreamJson));
            return;
          }
          inbox.push(fromJson(method.output, data));
        }
      }
      inbox.finish({ code: "unknown", message: "stream ended without end-of-stream message", errorInfo: undefined });
    } catch (err) {
      inbox.finish({ code: "canceled", message: String(err), errorInfo: undefined });
    }
  })();
  return { inbox, cancel: () => abort.abort() };
}

type EndStreamJson = { error?: { code: string; message?: string; details?: { type: string; value: string }[] } };

function endOfStream(json: EndStreamJson): StreamEnd {
  if (json.error === undefined) return { code: "ok", message: "", errorInfo: undefined };
  const detail = json.error.details?.find((d) => d.type === "synctv.v1.ErrorInfo");
  return {
    code: json.error.code,
    message: json.error.message ?? "",
    errorInfo: detail ? fromBinary(ErrorInfoSchema, Buffer.from(detail.value, "base64")) : undefined,
  };
}

function envelope(flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(data.length, 1);
  return Buffer.concat([head, data]);
}

/** gRPC (not Connect) over h2c. */
export class GrpcStreamClient {
  readonly #client: grpc.Client;

  constructor(address: string) {
    this.#client = new grpc.Client(address, grpc.credentials.createInsecure());
  }

  serverStream<I extends DescMessage, O extends DescMessage>(
    method: DescMethod & { input: I; output: O },
    request: MessageInitShape<I>,
    metadata: Record<string, string> = {},
  ): OpenStream<MessageShape<O>> {
    const inbox = new StreamInbox<MessageShape<O>>();
    const call = this.#client.makeServerStreamRequest(
      `/${method.parent.typeName}/${method.name}`,
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => fromBinary(method.output, b),
      toBinary(method.input, create(method.input, request)),
      metadataOf(metadata),
    );
    follow(call, inbox);
    return { inbox, cancel: () => call.cancel() };
  }

  bidiStream<I extends DescMessage, O extends DescMessage>(
    method: DescMethod & { input: I; output: O },
    metadata: Record<string, string> = {},
  ): OpenStream<MessageShape<O>> & {
    send(message: MessageInitShape<I>): void;
    sendRaw(bytes: Uint8Array): void;
    end(): void;
  } {
    const inbox = new StreamInbox<MessageShape<O>>();
    const call = this.#client.makeBidiStreamRequest(
      `/${method.parent.typeName}/${method.name}`,
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => fromBinary(method.output, b),
      metadataOf(metadata),
    );
    follow(call, inbox);
    return {
      inbox,
      send: (message) => call.write(toBinary(method.input, create(method.input, message))),
      sendRaw: (bytes) => call.write(bytes),
      end: () => call.end(),
      cancel: () => call.cancel(),
    };
  }

  close(): void {
    this.#client.close();
  }
}

function metadataOf(values: Record<string, string>): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(values)) md.set(k, v);
  return md;
}

function follow<T>(call: grpc.ClientReadableStream<T> | grpc.ClientDuplexStream<unknown, T>, inbox: StreamInbox<T>) {
  call.on("data", (message: T) => inbox.push(message));
  // grpc-js reports a failed status as 'error' (and then 'status'); 'status' alone means OK.
  call.on("error", () => {});
  call.on("status", (status: grpc.StatusObject) => {
    const details = status.metadata.get("grpc-status-details-bin")[0];
    const errorInfo = details === undefined ? undefined : errorInfoOfStatus(Buffer.from(details as Buffer));
    inbox.finish({
      code: status.code === grpc.status.OK ? "ok" : codeToString(status.code as number as Code),
      message: status.details,
      errorInfo,
    });
  });
}

/** The ErrorInfo inside grpc-status-details-bin (a google.rpc.Status), read by Connect's gRPC parser. */
function errorInfoOfStatus(bytes: Buffer): ErrorInfo | undefined {
  const headers = new Headers({
    "grpc-status": String(Code.Unknown),
    "grpc-status-details-bin": bytes.toString("base64"),
  });
  return findTrailerError(headers)?.findDetails(ErrorInfoSchema)[0];
}
