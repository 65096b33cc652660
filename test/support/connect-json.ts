// Minimal Connect JSON client over fetch: exactly what `curl` would send, so tests see the wire.
import { fromBinary } from "@bufbuild/protobuf";
import { type ErrorInfo, ErrorInfoSchema } from "../../gen/synctv/v1/errors_pb.js";

export interface JsonCallResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  /** Decoded when the call failed. */
  errorInfo?: ErrorInfo;
  code?: string;
  message?: string;
}

export async function callJson<T = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  body: unknown = {},
  token?: string,
): Promise<JsonCallResult<T>> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${baseUrl}/${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  const json = (await res.json()) as T & {
    code?: string;
    message?: string;
    details?: { type: string; value: string }[];
  };
  const detail = json.details?.find((d) => d.type === "synctv.v1.ErrorInfo");
  return {
    status: res.status,
    headers: res.headers,
    body: json,
    code: res.ok ? undefined : json.code,
    message: res.ok ? undefined : json.message,
    errorInfo: detail ? fromBinary(ErrorInfoSchema, Buffer.from(detail.value, "base64")) : undefined,
  };
}
