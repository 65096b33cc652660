// Baseline for the Connect JSON rows: a bare Fastify 5 server with one POST route that parses the
// same JSON body and returns the same JSON shape as PublicService/GetServerTime. Runs as its own
// child process (started by bench/api.ts) so it competes for the CPU exactly as the real server does.
// Env: PORT. Prints {"ready":true} on stdout once listening.
import Fastify from "fastify";

const port = Number(process.env.PORT);
const app = Fastify({ logger: false });

app.post<{ Body: { clientTimeMs?: string } }>("/synctv.v1.PublicService/GetServerTime", async (req) => {
  const receivedMs = Date.now();
  return {
    clientTimeMs: String(req.body.clientTimeMs ?? "0"),
    serverReceivedMs: String(receivedMs),
    serverSentMs: String(Date.now()),
  };
});

await app.listen({ host: "127.0.0.1", port });
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
process.once("SIGTERM", () => void app.close().then(() => process.exit(0)));
