import { create, equals, fromBinary, fromJsonString, toBinary, toJsonString } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ChatMessageEventSchema } from "../../gen/synctv/v1/chat_pb.js";
import { PlaybackStateSchema } from "../../gen/synctv/v1/playback_pb.js";
import {
  ResourceChangedSchema,
  ResourceCursorSchema,
  type ResourceEvent,
  ResourceEventSchema,
  ServerMessageSchema,
} from "../../gen/synctv/v1/realtime_pb.js";
import { encodeServerMessage } from "./frame-codec.js";
import { SharedResourceEvent } from "./shared-resource-event.js";

const payloads: ResourceEvent["payload"][] = [
  {
    case: "playbackState",
    value: create(PlaybackStateSchema, {
      roomId: "room_Vx6R1bip",
      playingMediaId: "med_9fK2mQa1",
      position: 12.5,
      anchorAt: 1_764_000_000_000n,
      speed: 1,
      playing: true,
      version: 42n,
      generation: 3n,
      serverTimeMs: 1_764_000_000_123n,
      clientOperationId: "0a1b2c3d-0000-4000-8000-000000000001",
    }),
  },
  { case: "changedOnly", value: create(ResourceChangedSchema) },
  {
    case: "chatEvent",
    value: create(ChatMessageEventSchema, { roomId: "room_x", sequence: 7n }),
  },
];

const observeIds = [
  "p",
  "playback-1",
  'quote " back\\slash \n newline',
  "ünïcødé ☃ 🎬",
  "lone \ud800 surrogate",
  "x".repeat(128),
  "🎬".repeat(128), // 512 bytes: a two-byte length varint
  "",
];

/** What encoding the whole message the ordinary way gives. */
function encodedWhole(format: "json" | "protobuf", observeId: string, event: SharedResourceEvent) {
  const message = create(ServerMessageSchema, {
    message: {
      case: "resourceEvent",
      value: create(ResourceEventSchema, { observeId, cursor: event.cursor, payload: event.payload }),
    },
  });
  return format === "protobuf" ? toBinary(ServerMessageSchema, message) : toJsonString(ServerMessageSchema, message);
}

describe("SharedResourceEvent", () => {
  it("splices each observe_id into frames equal to encoding the whole message, in both framings", () => {
    for (const payload of payloads) {
      const cursor = create(ResourceCursorSchema, { eventId: "evt_1", sequence: 9_007_199_254_740_991n });
      const event = new SharedResourceEvent(cursor, payload);
      for (const observeId of observeIds) {
        for (const format of ["json", "protobuf"] as const) {
          const spliced = encodeServerMessage(format, event.messageFor(observeId));
          expect(spliced).toEqual(encodedWhole(format, observeId, event));
        }
      }
    }
  });

  it("serves repeated observe_ids from its last frame and still splices each new one", () => {
    const cursor = create(ResourceCursorSchema, { eventId: "evt_4", sequence: 3n });
    const event = new SharedResourceEvent(cursor, payloads[0]!);
    for (const format of ["json", "protobuf"] as const) {
      for (const observeId of ["a", "a", "b", "a", "b", "b"]) {
        const frame = encodeServerMessage(format, event.messageFor(observeId));
        expect(frame).toEqual(encodedWhole(format, observeId, event));
        const decoded =
          format === "protobuf"
            ? fromBinary(ServerMessageSchema, frame as Uint8Array)
            : fromJsonString(ServerMessageSchema, frame as string);
        expect(equals(ServerMessageSchema, decoded, event.messageFor(observeId))).toBe(true);
      }
    }
  });

  it("handles a resource_event with neither cursor nor payload", () => {
    const event = new SharedResourceEvent(undefined as never, { case: undefined });
    for (const format of ["json", "protobuf"] as const) {
      expect(encodeServerMessage(format, event.messageFor("a"))).toEqual(encodedWhole(format, "a", event));
      expect(encodeServerMessage(format, event.messageFor(""))).toEqual(encodedWhole(format, "", event));
    }
  });

  it("hands streams an ordinary ServerMessage carrying the shared cursor and payload", () => {
    const cursor = create(ResourceCursorSchema, { eventId: "evt_2", sequence: 5n });
    const event = new SharedResourceEvent(cursor, payloads[0]!);
    const message = event.messageFor("obs");
    expect(message.message.case).toBe("resourceEvent");
    const value = message.message.value as ResourceEvent;
    expect(value.observeId).toBe("obs");
    expect(value.cursor).toBe(cursor);
    expect(value.payload.value).toBe(payloads[0]!.value);
  });

  it("encodes a message edited after messageFor the ordinary way", () => {
    const cursor = create(ResourceCursorSchema, { eventId: "evt_3", sequence: 1n });
    const event = new SharedResourceEvent(cursor, payloads[0]!);
    const message = event.messageFor("obs");
    const value = message.message.value as ResourceEvent;
    value.payload = payloads[1]!;
    const expected = toJsonString(ServerMessageSchema, message);
    expect(encodeServerMessage("json", message)).toBe(expected);
    expect(expected).toContain("changedOnly");
  });
});
