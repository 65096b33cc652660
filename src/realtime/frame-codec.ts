// The two framings of the realtime envelope (spec 03 §1.1): `json` (text frames, ProtoJSON) and
// `protobuf` (binary frames). A frame of the other kind is ignored, never an error.
import { create, fromBinary, fromJsonString, toBinary, toJsonString } from "@bufbuild/protobuf";
import {
  type ClientMessage,
  ClientMessageSchema,
  type ServerMessage,
  ServerMessageSchema,
} from "../../gen/synctv/v1/realtime_pb.js";
import { encodeSharedFrame } from "./shared-resource-event.js";

export type FrameFormat = "json" | "protobuf";

export function parseFormat(value: string | undefined): FrameFormat | null {
  if (value === undefined || value === "" || value === "json") return "json";
  if (value === "protobuf") return "protobuf";
  return null;
}

export type DecodedFrame =
  | { kind: "message"; message: ClientMessage }
  | { kind: "ignored" }
  | { kind: "malformed"; reason: string };

export function decodeClientFrame(format: FrameFormat, data: ArrayBuffer, isBinary: boolean): DecodedFrame {
  if (isBinary !== (format === "protobuf")) return { kind: "ignored" };
  try {
    const message =
      format === "protobuf"
        ? fromBinary(ClientMessageSchema, new Uint8Array(data))
        : fromJsonString(ClientMessageSchema, Buffer.from(data).toString("utf8"));
    return { kind: "message", message };
  } catch (err) {
    return { kind: "malformed", reason: err instanceof Error ? err.message : String(err) };
  }
}

/** A fan-out resource_event (shared-resource-event.ts) is spliced, not encoded again per connection. */
export function encodeServerMessage(format: FrameFormat, message: ServerMessage): string | Uint8Array {
  const shared = encodeSharedFrame(format, message);
  if (shared !== undefined) return shared;
  return format === "protobuf" ? toBinary(ServerMessageSchema, message) : toJsonString(ServerMessageSchema, message);
}

export function serverMessage(message: ServerMessage["message"]): ServerMessage {
  return create(ServerMessageSchema, { message });
}
