// A deliberately small RFC 6455 client over node:net for the realtime benchmarks: thousands of
// sockets per process, no per-message events or string decoding unless asked, binds a chosen
// 127.0.0.x source address. Server frames arrive unmasked; ours are masked as the RFC requires.
import { randomBytes } from "node:crypto";
import net from "node:net";

export interface LiteSocketOptions {
  host: string;
  port: number;
  path: string;
  headers?: Record<string, string>;
  /** Source address (127.0.0.x) so many sockets do not share one ephemeral port range. */
  localAddress?: string;
  /** Called for every complete data frame (possibly before the open promise settled); `data` is only valid during the call. */
  onMessage?(data: Buffer, binary: boolean, socket: LiteSocket): void;
  /** Gives up on the handshake after this long. */
  timeoutMs?: number;
}

export interface LiteSocket {
  send(data: string | Buffer): void;
  /** Sends a close frame and ends the TCP stream. */
  close(code?: number): void;
  /** Resolves with the close code (1006 when the TCP stream ended without a close frame). */
  readonly closed: Promise<number>;
}

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;

export function openLiteSocket(options: LiteSocketOptions): Promise<LiteSocket> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString("base64");
    const socket = net.connect({
      host: options.host,
      port: options.port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    socket.setNoDelay(true);
    const timer = setTimeout(() => fail(new Error("websocket handshake timed out")), options.timeoutMs ?? 30_000);
    let handshakeDone = false;
    let pending: Buffer = Buffer.alloc(0);
    let fragments: Buffer[] = [];
    let fragmentBinary = false;
    let closeCode = 1006;
    let resolveClosed: (code: number) => void = () => {};
    const closed = new Promise<number>((r) => {
      resolveClosed = r;
    });

    function fail(err: Error): void {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    }

    const lite: LiteSocket = {
      send(data) {
        const payload = typeof data === "string" ? Buffer.from(data) : data;
        socket.write(frame(typeof data === "string" ? OP_TEXT : OP_BINARY, payload));
      },
      close(code = 1000) {
        const body = Buffer.alloc(2);
        body.writeUInt16BE(code);
        if (!socket.destroyed) socket.end(frame(OP_CLOSE, body));
      },
      closed,
    };

    socket.on("connect", () => {
      const lines = [
        `GET ${options.path} HTTP/1.1`,
        `Host: ${options.host}:${options.port}`,
        "Connection: Upgrade",
        "Upgrade: websocket",
        "Sec-WebSocket-Version: 13",
        `Sec-WebSocket-Key: ${key}`,
        ...Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    });
    socket.on("error", (err) => {
      if (!handshakeDone) fail(err);
    });
    socket.on("close", () => {
      if (!handshakeDone) fail(new Error("connection closed during the handshake"));
      resolveClosed(closeCode);
    });
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!handshakeDone) {
        const end = pending.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = pending.subarray(0, end).toString("latin1");
        const status = Number(head.slice(9, 12));
        if (status !== 101) {
          fail(new Error(`upgrade answered ${status}: ${pending.subarray(end + 4).toString()}`));
          return;
        }
        handshakeDone = true;
        clearTimeout(timer);
        pending = pending.subarray(end + 4);
        resolve(lite);
      }
      pending = parseFrames(pending);
    });

    /** Consumes every complete frame at the start of `buf` and returns the rest. */
    function parseFrames(buf: Buffer): Buffer {
      let offset = 0;
      for (;;) {
        if (buf.length - offset < 2) break;
        const b0 = buf[offset] ?? 0;
        const b1 = buf[offset + 1] ?? 0;
        let length = b1 & 0x7f;
        let header = 2;
        if (length === 126) {
          if (buf.length - offset < 4) break;
          length = buf.readUInt16BE(offset + 2);
          header = 4;
        } else if (length === 127) {
          if (buf.length - offset < 10) break;
          length = Number(buf.readBigUInt64BE(offset + 2));
          header = 10;
        }
        if (buf.length - offset < header + length) break;
        const payload = buf.subarray(offset + header, offset + header + length);
        offset += header + length;
        handleFrame(b0 & 0x0f, (b0 & 0x80) !== 0, payload);
      }
      return offset === 0 ? buf : Buffer.from(buf.subarray(offset));
    }

    function handleFrame(opcode: number, fin: boolean, payload: Buffer): void {
      if (opcode === OP_PING) {
        socket.write(frame(0xa, Buffer.from(payload)));
        return;
      }
      if (opcode === OP_CLOSE) {
        closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        socket.end();
        return;
      }
      if (opcode === OP_TEXT || opcode === OP_BINARY) {
        if (fin) {
          options.onMessage?.(payload, opcode === OP_BINARY, lite);
          return;
        }
        fragments = [Buffer.from(payload)];
        fragmentBinary = opcode === OP_BINARY;
        return;
      }
      if (opcode === OP_CONTINUATION && fragments.length > 0) {
        fragments.push(Buffer.from(payload));
        if (fin) {
          const whole = Buffer.concat(fragments);
          fragments = [];
          options.onMessage?.(whole, fragmentBinary, lite);
        }
      }
    }
  });
}

/** One masked client frame. */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(header + 4 + length);
  out[0] = 0x80 | opcode;
  if (header === 2) {
    out[1] = 0x80 | length;
  } else if (header === 4) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  mask.copy(out, header);
  for (let i = 0; i < length; i += 1) out[header + 4 + i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
  return out;
}
