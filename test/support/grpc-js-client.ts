// A gRPC client that is not Connect (@grpc/grpc-js over h2c), so transport tests prove the server
// speaks real gRPC. Errors come back with their ErrorInfo decoded from grpc-status-details-bin.
import { type DescMessage, type DescMethod, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { type Code, ConnectError } from "@connectrpc/connect";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import * as grpc from "@grpc/grpc-js";
import { type ErrorInfo, ErrorInfoSchema } from "../../gen/synctv/v1/errors_pb.js";

export interface GrpcFailure {
  code: number;
  message: string;
  errorInfo: ErrorInfo | undefined;
}

export type GrpcResult<O> = { ok: true; message: O } | { ok: false; error: GrpcFailure };

export class GrpcJsClient {
  readonly #client: grpc.Client;
  constructor(address: string) {
    this.#client = new grpc.Client(address, grpc.credentials.createInsecure());
  }

  unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethod & { input: I; output: O },
    request: MessageShape<I>,
    metadata: Record<string, string> = {},
  ): Promise<GrpcResult<MessageShape<O>>> {
    return this.raw(method, toBinary(method.input, request), metadata);
  }

  /** Sends already-encoded bytes: for oversize and malformed payload tests. */
  raw<O extends DescMessage>(
    method: DescMethod & { output: O },
    body: Uint8Array,
    metadata: Record<string, string> = {},
  ): Promise<GrpcResult<MessageShape<O>>> {
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(metadata)) md.set(k, v);
    return new Promise((resolve) => {
      this.#client.makeUnaryRequest(
        `/${method.parent.typeName}/${method.name}`,
        (b: Uint8Array) => Buffer.from(b),
        (b: Buffer) => fromBinary(method.output, b),
        body,
        md,
        (err, value) => {
          if (err) resolve({ ok: false, error: toFailure(err) });
          else resolve({ ok: true, message: value as MessageShape<O> });
        },
      );
    });
  }

  close(): void {
    this.#client.close();
  }
}

function toFailure(err: grpc.ServiceError): GrpcFailure {
  const headers = new Headers();
  headers.set("grpc-status", String(err.code));
  headers.set("grpc-message", encodeURIComponent(err.details));
  const details = err.metadata.get("grpc-status-details-bin")[0];
  if (details !== undefined) {
    headers.set("grpc-status-details-bin", Buffer.from(details as Buffer).toString("base64"));
  }
  const parsed = findTrailerError(headers) ?? new ConnectError(err.details, err.code as number as Code);
  return { code: err.code, message: err.details, errorInfo: parsed.findDetails(ErrorInfoSchema)[0] };
}
