// `synctv config validate|show` through the real binary: bad secrets and ports are rejected with
// their key path and exit 5; `show` never prints a secret value.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDevSecret } from "../../src/infra/config/dev-secrets.js";
import { runCliProcess } from "../support/server-process.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "synctv-config-cli-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const base = () => ({ SYNCTV_DATA_DIR: join(dir, "data") });

describe("synctv config validate", () => {
  it("rejects a placeholder secret, naming the key but not the value, with exit 5", async () => {
    const out = await runCliProcess(["config", "validate", "--no-dotenv"], {
      ...base(),
      SYNCTV_JWT_SECRET: "change-me-please-change-me-please-123",
    });
    expect(out.code).toBe(5);
    expect(out.stdout + out.stderr).toMatch(/jwt\.secret/);
    expect(out.stdout + out.stderr).not.toContain("change-me-please-change-me-please-123");
  });

  it("rejects an out-of-range port with exit 5", async () => {
    const out = await runCliProcess(["config", "validate", "--no-dotenv"], { ...base(), SYNCTV_SERVER_PORT: "70000" });
    expect(out.code).toBe(5);
    expect(out.stdout + out.stderr).toMatch(/server\.port/);
  });

  it("rejects two listeners on the same host and port with exit 5", async () => {
    const out = await runCliProcess(["config", "validate", "--no-dotenv"], {
      ...base(),
      SYNCTV_SERVER_HOST: "127.0.0.1",
      SYNCTV_HEALTH_PORT: "8080",
    });
    expect(out.code).toBe(5);
    expect(out.stdout + out.stderr).toMatch(/health\.port|server\.port/);
    expect(out.stdout + out.stderr).toMatch(/8080/);
  });

  it("accepts the defaults (exit 0) but --strict fails while dev secrets would be generated", async () => {
    const plain = await runCliProcess(["config", "validate", "--no-dotenv"], base());
    expect(plain.code).toBe(0);
    const strict = await runCliProcess(["config", "validate", "--strict", "--no-dotenv"], base());
    expect(strict.code).toBe(5);
  });
});

describe("synctv config show", () => {
  it("prints no secret value, whether from env or from a file", async () => {
    const jwt = generateDevSecret("jwt");
    const proxyKey = generateDevSecret("token");
    const keyFile = join(dir, "proxy.key");
    await writeFile(keyFile, `${proxyKey}\n`, { mode: 0o600 });
    const out = await runCliProcess(["config", "show", "-o", "json", "--no-dotenv"], {
      ...base(),
      SYNCTV_JWT_SECRET: jwt,
      SYNCTV_SECURITY_PROXY_SIGNING_KEY_FILE: keyFile,
      SYNCTV_DATABASE_URL: "postgres://synctv:db-password-123@127.0.0.1:5432/synctv",
    });
    const text = out.stdout + out.stderr;
    expect(text).not.toContain(jwt);
    expect(text).not.toContain(proxyKey);
    expect(text).not.toContain("db-password-123");
    expect(text).toContain("<redacted");
  });
});
