// A resource_event that many observations send for one event (03 §2 fan-out): they share cursor
// and payload and differ only by observe_id. The shared part is encoded once per framing and each
// connection splices its observe_id in, byte for byte what encoding the whole ServerMessage gives.
import { create, toBinary, toJsonString } from "@bufbuild/protobuf";
import {
  type ResourceCursor,
  type ResourceEvent,
  ResourceEventSchema,
  type ServerMessage,
  ServerMessageSchema,
} from "../../gen/synctv/v1/realtime_pb.js";

type Framing = "json" | "protobuf";

const SHARED = Symbol("synctv.sharedResourceEvent");
type TaggedMessage = ServerMessage & { [SHARED]?: SharedResourceEvent };

/** ServerMessage.resource_event = 5 and ResourceEvent.observe_id = 1, both length-delimited. */
const RESOURCE_EVENT_TAG = (5 << 3) | 2;
const OBSERVE_ID_TAG = (1 << 3) | 2;
/** ProtoJSON writes fields in number order, so observeId (1) always comes first inside resourceEvent. */
const JSON_HEAD = '{"resourceEvent":{';
const utf8 = new TextEncoder();

export class SharedResourceEvent {
  #binary: Uint8Array | undefined;
  /** What follows observeId in the JSON frame: `,"cursor":…}}` (or `}}` when nothing else is set). */
  #jsonTail: string | undefined;
  /** The last frame spliced per framing: the clients of one app mostly use the same observe_id. */
  #lastJson: { observeId: string; frame: string } | undefined;
  #lastBinary: { observeId: string; frame: Uint8Array } | undefined;

  constructor(
    readonly cursor: ResourceCursor,
    readonly payload: ResourceEvent["payload"],
  ) {}

  /**
   * The ServerMessage for one observation. It is an ordinary message (streams send it as is);
   * `encodeSharedFrame` recognises it and splices instead of encoding. Do not mutate it.
   */
  messageFor(observeId: string): ServerMessage {
    const message: TaggedMessage = create(ServerMessageSchema, {
      message: {
        case: "resourceEvent",
        value: create(ResourceEventSchema, { observeId, cursor: this.cursor, payload: this.payload }),
      },
    });
    message[SHARED] = this;
    return message;
  }

  encode(format: Framing, observeId: string): string | Uint8Array {
    if (format === "protobuf") {
      if (this.#lastBinary?.observeId !== observeId) {
        this.#lastBinary = { observeId, frame: this.#binaryFrame(observeId) };
      }
      // uWS copies what it sends, so one array serves every socket.
      return this.#lastBinary.frame;
    }
    if (this.#lastJson?.observeId !== observeId) this.#lastJson = { observeId, frame: this.#jsonFrame(observeId) };
    return this.#lastJson.frame;
  }

  #binaryFrame(observeId: string): Uint8Array {
    this.#binary ??= toBinary(
      ResourceEventSchema,
      create(ResourceEventSchema, { cursor: this.cursor, payload: this.payload }),
    );
    const shared = this.#binary;
    // An empty observe_id is the field's default: proto3 leaves it out.
    const id = observeId === "" ? null : utf8.encode(observeId);
    const idField = id === null ? 0 : 1 + varintSize(id.length) + id.length;
    const inner = idField + shared.length;
    const frame = new Uint8Array(1 + varintSize(inner) + inner);
    frame[0] = RESOURCE_EVENT_TAG;
    let at = writeVarint(frame, 1, inner);
    if (id !== null) {
      frame[at++] = OBSERVE_ID_TAG;
      at = writeVarint(frame, at, id.length);
      frame.set(id, at);
      at += id.length;
    }
    frame.set(shared, at);
    return frame;
  }

  #jsonFrame(observeId: string): string {
    this.#jsonTail ??= this.#renderJsonTail();
    const tail = this.#jsonTail;
    if (observeId === "") return JSON_HEAD + (tail.startsWith(",") ? tail.slice(1) : tail);
    // ProtoJSON renders strings with JSON.stringify too, so the escaping is the same.
    return `${JSON_HEAD}"observeId":${JSON.stringify(observeId)}${tail}`;
  }

  #renderJsonTail(): string {
    const value = create(ResourceEventSchema, { cursor: this.cursor, payload: this.payload });
    const whole = toJsonString(
      ServerMessageSchema,
      create(ServerMessageSchema, { message: { case: "resourceEvent", value } }),
    );
    if (!whole.startsWith(JSON_HEAD)) throw new Error(`unexpected resource_event JSON: ${whole.slice(0, 40)}`);
    const rest = whole.slice(JSON_HEAD.length);
    return rest.startsWith("}") ? rest : `,${rest}`;
  }
}

/** The spliced frame when `message` came from `SharedResourceEvent.messageFor` unchanged; else undefined. */
export function encodeSharedFrame(format: Framing, message: ServerMessage): string | Uint8Array | undefined {
  const shared = (message as TaggedMessage)[SHARED];
  if (shared === undefined) return undefined;
  const inner = message.message;
  // Guards against a message edited after messageFor: then it is encoded the ordinary way.
  if (
    inner.case !== "resourceEvent" ||
    inner.value.cursor !== shared.cursor ||
    inner.value.payload.value !== shared.payload.value ||
    inner.value.payload.case !== shared.payload.case
  ) {
    return undefined;
  }
  return shared.encode(format, inner.value.observeId);
}

function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v >>>= 7) size += 1;
  return size;
}

function writeVarint(into: Uint8Array, at: number, value: number): number {
  let v = value;
  let i = at;
  while (v >= 0x80) {
    into[i++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  into[i++] = v;
  return i;
}
