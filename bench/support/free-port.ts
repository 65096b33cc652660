// Finds a free TCP port on loopback. The server under test takes its ports from env vars, so the
// bench picks them up front (port 0 would leave us parsing logs to learn where it listens).
import net from "node:net";

export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address for a port-0 listener");
  return address.port;
}

/** Several distinct free ports; held open together so the kernel cannot hand out one twice. */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const servers = Array.from({ length: count }, () => net.createServer());
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve, reject) => {
          s.once("error", reject);
          s.listen(0, host, resolve);
        }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === "string") throw new Error("no TCP address for a port-0 listener");
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}
