// Failures that Connect produces before any interceptor runs (unparseable body, message too large,
// unsupported codec) carry no ErrorInfo. This wrapper adds one — on Connect unary errors (JSON
// body) and on gRPC errors (status in trailers or trailers-only headers) — so clients always
// find the app code. gRPC-Web early errors keep their status without the detail.
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Code, ConnectError } from "@connectrpc/connect";
import type { UniversalServerResponse } from "@connectrpc/connect/protocol";
import { errorFromJsonBytes, errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import { findTrailerError, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { ErrorInfoSchema } from "../../../gen/synctv/v1/errors_pb.js";
import { mapError } from "../error-info.js";

export async function addTransportErrorInfo(
  res: UniversalServerResponse,
  requestId: string,
): Promise<UniversalServerResponse> {
  const contentType = res.header?.get("content-type") ?? "";
  if (res.status !== 200 && contentType.startsWith("application/json")) {
    return addToConnectUnaryError(res, requestId);
  }
  if (contentType.startsWith("application/grpc") && !contentType.startsWith("application/grpc-web")) {
    addToGrpcStatus(res.trailer, requestId);
    addToGrpcStatus(res.header, requestId);
  }
  return res;
}

async function addToConnectUnaryError(res: UniversalServerResponse, requestId: string) {
  const raw = await readAll(res.body);
  if (raw === undefined) return res;
  // Connect compresses larger error bodies; inspect the plain JSON and, if we rewrite it, send it
  // uncompressed (error bodies are small).
  const encoding = res.header?.get("content-encoding") ?? "";
  const bytes = decodeBody(raw, encoding);
  if (bytes === undefined) return { ...res, body: once(raw) };
  const fallback = new ConnectError("Request failed", Code.Unknown);
  const parsed = errorFromJsonBytes(bytes, res.header, fallback);
  if (parsed.findDetails(ErrorInfoSchema).length > 0) return { ...res, body: once(raw) };
  const body = errorToJsonBytes(mapError(parsed, requestId).error, {});
  const header = new Headers(res.header);
  header.delete("content-length");
  header.delete("content-encoding");
  return { ...res, header, body: once(body) };
}

function addToGrpcStatus(headers: Headers | undefined, requestId: string): void {
  if (!headers || headers.has("grpc-status-details-bin")) return;
  const error = findTrailerError(headers);
  if (!error) return;
  setTrailerStatus(headers, mapError(error, requestId).error);
}

async function readAll(body: UniversalServerResponse["body"]): Promise<Uint8Array | undefined> {
  if (body === undefined) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function decodeBody(bytes: Uint8Array, encoding: string): Uint8Array | undefined {
  try {
    if (encoding === "" || encoding === "identity") return bytes;
    if (encoding === "gzip") return gunzipSync(bytes);
    if (encoding === "br") return brotliDecompressSync(bytes);
  } catch {
    // Not decodable: leave the response exactly as Connect produced it.
  }
  return undefined;
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}
