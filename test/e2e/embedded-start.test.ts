// `npm start` on a fresh machine: the real CLI serves on the embedded database, becomes ready,
// stops cleanly on SIGTERM, and a second start reuses the same data and development secrets.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/infra/db/database.js";
import { settings } from "../../src/infra/db/schema/index.js";
import { runCliProcess, type ServerProcess, serveEnv, startServerProcess } from "../support/server-process.js";

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "synctv-e2e-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function rpc(server: ServerProcess, method: string, body: unknown = {}) {
  const res = await fetch(`${server.apiUrl}/synctv.v1.PublicService/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function rpcOn(server: ServerProcess, path: string, body: unknown) {
  const res = await fetch(`${server.apiUrl}/synctv.v1.${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown> & { loginSessionId: string };
}

async function waitReady(server: ServerProcess) {
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${server.healthUrl}/health/ready`);
    if (res.status === 200)
      return (await res.json()) as { dev_mode: boolean; checks: { database: { driver: string } } };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("never ready");
}

describe("embedded start (PGlite, in-process store, generated dev secrets)", () => {
  it("serves on a fresh data dir, flags dev mode, and stops with exit 0 on SIGTERM", async () => {
    const server = await startServerProcess(serveEnv(dataDir));
    try {
      const ready = await waitReady(server);
      expect(ready.dev_mode).toBe(true);
      expect(ready.checks.database.driver).toBe("pglite");
      const info = await rpc(server, "GetServerInfo");
      expect(info.devMode).toBe(true);
      const time = await rpc(server, "GetServerTime", { clientTimeMs: "5" });
      expect(time.clientTimeMs).toBe("5");
      expect(server.lines.join("\n")).toMatch(/DEVELOPMENT MODE/);

      // First start with no admin: a root account whose password is printed once and kept on disk.
      const printed = /password: (\S+)/.exec(server.lines.join("\n"))?.[1];
      expect(printed).toBeDefined();
      const stored = JSON.parse(await readFile(join(dataDir, "secrets", "dev-secrets.json"), "utf8")) as {
        root_account: { username: string; password: string };
      };
      expect(stored.root_account).toEqual({ username: "root", password: printed });
      const started = await rpcOn(server, "AuthService/StartLogin", { identifier: "root" });
      const login = await rpcOn(server, "AuthService/LoginWithDirectPassword", {
        loginSessionId: started.loginSessionId,
        password: printed,
      });
      expect((login.result as { user: { role: string } }).user.role).toBe("USER_ROLE_ROOT");
      // The password is shown on stderr only, never through the logger.
      expect(server.lines.filter((l) => l.startsWith("{") && l.includes(printed!))).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("refuses a second server on the same data dir while the first holds it", async () => {
    const first = await startServerProcess(serveEnv(dataDir));
    try {
      const second = await runCliProcess(["serve", "--no-dotenv"], serveEnv(dataDir));
      expect(second.code).not.toBe(0);
      expect(second.stderr + second.stdout).toMatch(/lock|in use|another/i);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });

  it("a second start reuses the data and the generated secrets", async () => {
    const secretsFile = join(dataDir, "secrets", "dev-secrets.json");
    const secretsBefore = await readFile(secretsFile, "utf8");

    // Change data while no server runs; the next start must see it.
    const database = await openDatabase({ url: "", pgliteDir: join(dataDir, "pglite") });
    await database.db
      .update(settings)
      .set({ value: { v: "Persisted Night" } })
      .where(eq(settings.key, "server.name"));
    await database.close();

    const server = await startServerProcess(serveEnv(dataDir));
    try {
      await waitReady(server);
      const publicSettings = await rpc(server, "GetPublicSettings");
      expect(publicSettings.serverName).toBe("Persisted Night");
      expect(server.lines.join("\n")).not.toMatch(/root account created/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(await readFile(secretsFile, "utf8")).toBe(secretsBefore);
  });
});
