// Management authentication (05 §7, 08 §4.1): TCP without a token refuses to start; with a token,
// every call on every transport needs it, and a wrong or missing one is UNAUTHENTICATED (exit 4).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliProcess, serveEnv } from "../support/server-process.js";
import { type ManagedServer, startManagedServer, writeSecretFile } from "./management-support.js";

const TOKEN = "mgmt-token-for-tests-7f3a9c1e5b2d4f6a8c0e";

describe("TCP management", { timeout: 60_000 }, () => {
  it("refuses to start without a token", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "stv-tcp-"));
    try {
      const run = await runCliProcess(
        ["serve", "--no-dotenv"],
        serveEnv(dataDir, { SYNCTV_MANAGEMENT_TRANSPORT: "tcp", SYNCTV_MANAGEMENT_PORT: "0" }),
      );
      expect(run.code).toBe(5);
      expect(run.stderr).toMatch(/management\.auth_token/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  describe("with a token", () => {
    let m: ManagedServer;
    let endpoint: string;
    beforeAll(async () => {
      m = await startManagedServer({
        SYNCTV_MANAGEMENT_TRANSPORT: "tcp",
        SYNCTV_MANAGEMENT_PORT: "0",
        SYNCTV_MANAGEMENT_AUTH_TOKEN: TOKEN,
      });
      endpoint = `http://${m.managementAddress()}`;
    }, 90_000);
    afterAll(async () => {
      await m.cleanup();
    });

    it("binds 127.0.0.1 only", () => {
      expect(m.managementAddress()).toMatch(/^127\.0\.0\.1:\d+$/);
    });

    it("accepts the right token from a file, and exits 4 on a wrong or missing one", async () => {
      const tokenFile = await writeSecretFile(m.dataDir, "token", TOKEN);
      // The server's own env carries the token; the CLI gets only what each case gives it.
      const bare = { SYNCTV_MANAGEMENT_AUTH_TOKEN: "" };
      const ok = await m.cli(["--endpoint", endpoint, "--auth-token-file", tokenFile, "status"], bare);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/listener:\s+management 127\.0\.0\.1:\d+/);

      const wrong = await m.cli(["--endpoint", endpoint, "--auth-token", "not-the-token", "status"], bare);
      expect(wrong.code).toBe(4);
      expect(wrong.stderr).toBe("error: unauthenticated: Missing or wrong management token\n");

      const missing = await m.cli(["--endpoint", endpoint, "user", "list"], bare);
      expect(missing.code).toBe(4);

      const fromEnv = await m.cli(["user", "list"], {
        SYNCTV_MANAGEMENT_AUTH_TOKEN: "",
        SYNCTV_MANAGEMENT_ENDPOINT: endpoint,
        SYNCTV_MANAGEMENT_AUTH_TOKEN_FILE: tokenFile,
      });
      expect(fromEnv.code).toBe(0);
      expect(fromEnv.stdout).toMatch(/root\s+ROOT/);
    });
  });
});

describe("Unix socket with a token configured", { timeout: 60_000 }, () => {
  let m: ManagedServer;
  beforeAll(async () => {
    m = await startManagedServer({ SYNCTV_MANAGEMENT_AUTH_TOKEN: TOKEN });
  }, 90_000);
  afterAll(async () => {
    await m.cleanup();
  });

  it("needs the token on the socket too", async () => {
    const without = await m.cli(["status"], { SYNCTV_MANAGEMENT_AUTH_TOKEN: "" });
    expect(without.code).toBe(4);
    // Derived from the config, as an operator on the same host would run it.
    const withConfig = await m.cli(["status"]);
    expect(withConfig.code).toBe(0);
  });
});
