import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { ErrorInfoSchema } from "../../../gen/synctv/v1/errors_pb.js";
import { HeartbeatAckSchema, type ServerMessage } from "../../../gen/synctv/v1/realtime_pb.js";
import { serverMessage } from "../../realtime/frame-codec.js";
import { mapError } from "../error-info.js";
import { StreamConnection } from "./stream-connection.js";

const ack = (n: number): ServerMessage =>
  serverMessage({ case: "heartbeatAck", value: create(HeartbeatAckSchema, { clientTimeMs: BigInt(n) }) });
const numberOf = (m: ServerMessage) => (m.message.case === "heartbeatAck" ? Number(m.message.value.clientTimeMs) : -1);

function connection(maxBufferedMessages = 4) {
  return new StreamConnection({
    connectionId: "c1",
    actor: { kind: "guest", guestId: "gst_1", roomId: 1 },
    roomId: 1,
    roomPublicId: "room_x",
    maxBufferedMessages,
  });
}

async function drain(c: StreamConnection): Promise<{ received: number[]; error: unknown }> {
  const received: number[] = [];
  try {
    for await (const m of c.messages()) received.push(numberOf(m));
    return { received, error: undefined };
  } catch (error) {
    return { received, error };
  }
}

describe("StreamConnection", () => {
  it("hands messages to the consumer in order and finishes after end() once the buffer is read", async () => {
    const c = connection();
    c.send(ack(1));
    c.send(ack(2));
    const consumed = drain(c);
    c.send(ack(3));
    c.end();
    c.send(ack(4));
    expect(await consumed).toEqual({ received: [1, 2, 3], error: undefined });
    expect(c.closed).toBe(true);
  });

  it("a consumer that falls behind past the bound is ended with RESOURCE_EXHAUSTED, not buffered further", async () => {
    const c = connection(4);
    for (let i = 1; i <= 5; i++) c.send(ack(i));
    expect(c.closed).toBe(true);
    expect(c.buffered).toBe(0);
    c.send(ack(6));
    const { received, error } = await drain(c);
    expect(received).toEqual([]);
    const mapped = mapError(error, "req-1").error;
    expect(mapped.code).toBe(Code.ResourceExhausted);
    expect(mapped.findDetails(ErrorInfoSchema)[0]?.errorCode).toBe(2002);
  });

  it("a consumer that keeps up never hits the bound", async () => {
    const c = connection(2);
    const consumed = drain(c);
    for (let i = 1; i <= 10; i++) {
      c.send(ack(i));
      // Let the consumer take it before the next send.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    c.end();
    expect((await consumed).received).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("fail() ends at once with its error; a later end() or fail() changes nothing", async () => {
    const c = connection();
    c.send(ack(1));
    const reason = new Error("boom");
    c.fail(reason);
    c.end();
    c.fail(new Error("other"));
    expect(await drain(c)).toEqual({ received: [], error: reason });
  });
});
