// Baseline for the gRPC rows: node:http2 (h2c) answering a unary gRPC call by hand: decode the
// GetServerTimeRequest, write one length-prefixed GetServerTimeResponse and grpc-status 0. It is
// the platform's ceiling for the same driver, as bare Fastify is for HTTP/1.1.
// Env: PORT. Prints {"ready":true} on stdout once listening.
import http2 from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { GetServerTimeRequestSchema, GetServerTimeResponseSchema } from "../../gen/synctv/v1/public_service_pb.js";

const port = Number(process.env.PORT);
const server = http2.createServer();

server.on("stream", (stream) => {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  stream.on("end", () => {
    const receivedMs = Date.now();
    const frame = Buffer.concat(chunks);
    // gRPC framing: 1 byte compressed flag, 4 bytes big-endian length, then the message.
    const request = fromBinary(GetServerTimeRequestSchema, frame.subarray(5));
    const body = toBinary(
      GetServerTimeResponseSchema,
      create(GetServerTimeResponseSchema, {
        clientTimeMs: request.clientTimeMs,
        serverReceivedMs: BigInt(receivedMs),
        serverSentMs: BigInt(Date.now()),
      }),
    );
    const out = Buffer.alloc(5 + body.length);
    out.writeUInt32BE(body.length, 1);
    out.set(body, 5);
    stream.respond({ ":status": 200, "content-type": "application/grpc+proto" }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    stream.end(out);
  });
});

server.listen(port, "127.0.0.1", () => process.stdout.write(`${JSON.stringify({ ready: true })}\n`));
process.once("SIGTERM", () => server.close(() => process.exit(0)));
