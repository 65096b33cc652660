// Baseline for bench/connections and bench/fanout: a bare uWebSockets.js server with the same
// library and settings shape as SyncTV's realtime listener but no application: a synchronous
// upgrade, a small welcome frame, a subscription to one topic on the first client message, and
// POST /publish that hands the request body to uWS pub/sub (`app.publish`). Own child process.
// Env: PORT. Prints {"ready":true} on stdout once listening.
import * as uWS from "uWebSockets.js";

const TOPIC = "room";
const port = Number(process.env.PORT);
const app = uWS.App();
let connections = 0;

app.ws<{ subscribed: boolean }>("/*", {
  maxPayloadLength: 256 * 1024,
  idleTimeout: 300,
  sendPingsAutomatically: true,
  maxBackpressure: 4 * 1024 * 1024,
  closeOnBackpressureLimit: false,
  upgrade(res, req, context) {
    res.upgrade(
      { subscribed: false },
      req.getHeader("sec-websocket-key"),
      req.getHeader("sec-websocket-protocol"),
      req.getHeader("sec-websocket-extensions"),
      context,
    );
  },
  open(ws) {
    connections += 1;
    ws.send('{"welcome":{}}', false);
  },
  message(ws) {
    const data = ws.getUserData();
    if (data.subscribed) return;
    data.subscribed = true;
    ws.subscribe(TOPIC);
    ws.send('{"resourceObserved":{}}', false);
  },
  close() {
    connections -= 1;
  },
});

app.post("/publish", (res) => {
  const chunks: Buffer[] = [];
  res.onAborted(() => {});
  res.onData((chunk, isLast) => {
    chunks.push(Buffer.from(chunk.slice(0)));
    if (!isLast) return;
    const frame = Buffer.concat(chunks);
    app.publish(TOPIC, frame, false);
    res.cork(() => {
      res.writeHeader("content-type", "application/json").end(`{"connections":${connections}}`);
    });
  });
});

app.listen("127.0.0.1", port, (listenSocket) => {
  if (!listenSocket) {
    process.stderr.write(`bare-uws could not listen on ${port}\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
});
process.once("SIGTERM", () => {
  app.close();
  process.exit(0);
});
