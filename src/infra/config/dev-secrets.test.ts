import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEV_SECRETS_RELATIVE_PATH, devFilledSecretPaths, generateDevSecret } from "./dev-secrets.js";
import { getAtPath } from "./leaves.js";
import { type LoadConfigOptions, type LoadedConfig, loadConfig } from "./load.js";
import { freshOpaqueSetup, makeTempDir, removeTempDirs } from "./test-fixtures.js";

afterEach(removeTempDirs);

async function devSandbox(env: Record<string, string> = {}) {
  const root = await makeTempDir();
  const dataDir = path.join(root, "data");
  const file = path.join(dataDir, DEV_SECRETS_RELATIVE_PATH);
  const load = (options: Partial<LoadConfigOptions> = {}) =>
    loadConfig({ cwd: root, env: { HOME: root, ...env }, dataDir, dotenv: false, ...options });
  return { dataDir, file, load };
}

const secretAt = (loaded: LoadedConfig, key: string) => getAtPath(loaded.config, key.split("."));
const mode = async (file: string) => (await stat(file)).mode & 0o777;

describe("development secrets", () => {
  it("embedded mode generates the foundation's secrets once, in a 0700 dir and a 0600 file", async () => {
    const { file, load } = await devSandbox();
    const loaded = await load({ materializeDevSecrets: true });
    expect(loaded.devMode).toBe(true);
    expect(loaded.generatedSecrets.sort()).toEqual([...devFilledSecretPaths].sort());
    expect(await mode(path.dirname(file))).toBe(0o700);
    expect(await mode(file)).toBe(0o600);
    expect(loaded.config.security.credential_encryption_key).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.config.jwt.secret.length).toBeGreaterThanOrEqual(32);
    expect(loaded.problems.filter((problem) => problem.severity === "error")).toEqual([]);
    // Never generated: tokens for optional features, URLs, the root password.
    for (const key of ["management.auth_token", "cluster.secret", "bootstrap.root_password"]) {
      expect(secretAt(loaded, key)).toBe("");
    }
  });

  it("embedded mode generates a loadable OPAQUE setup and stores it with the others", async () => {
    const { file, load } = await devSandbox();
    const loaded = await load({ materializeDevSecrets: true });
    const setup = loaded.config.security.opaque_server_setup_secret;
    expect(setup).toMatch(/^[A-Za-z0-9_-]{171}$/);
    expect(loaded.generatedSecrets).toContain("security.opaque_server_setup_secret");
    expect(loaded.problems.filter((problem) => problem.path === "security.opaque_server_setup_secret")).toEqual([
      expect.objectContaining({ severity: "warning", source: "dev-secrets" }),
    ]);
    const stored = JSON.parse(await readFile(file, "utf8"));
    expect(stored.secrets["security.opaque_server_setup_secret"]).toBe(setup);
    const again = await load({ materializeDevSecrets: true });
    expect(again.config.security.opaque_server_setup_secret).toBe(setup);
  });

  it("a stored OPAQUE setup that does not load is reported, not used", async () => {
    const { file, load } = await devSandbox();
    await load({ materializeDevSecrets: true });
    const document = JSON.parse(await readFile(file, "utf8"));
    document.secrets["security.opaque_server_setup_secret"] = Buffer.alloc(128, 7).toString("base64url");
    await writeFile(file, JSON.stringify(document));
    const loaded = await load({ materializeDevSecrets: true });
    expect(loaded.problems).toContainEqual(
      expect.objectContaining({ path: "security.opaque_server_setup_secret", severity: "error" }),
    );
  });

  it("a later start reuses the stored secrets", async () => {
    const { file, load } = await devSandbox();
    const first = await load({ materializeDevSecrets: true });
    const stored = await readFile(file, "utf8");
    const second = await load({ materializeDevSecrets: true });
    for (const key of devFilledSecretPaths) expect(secretAt(second, key)).toBe(secretAt(first, key));
    expect(await readFile(file, "utf8")).toBe(stored);
  });

  it("an explicitly configured secret is used instead of a generated one", async () => {
    const { file, load } = await devSandbox();
    await load({ materializeDevSecrets: true });
    const explicit = generateDevSecret("token");
    const { load: loadWithEnv } = await devSandbox({ SYNCTV_SECURITY_PROXY_SIGNING_KEY: explicit });
    const loaded = await loadWithEnv({ dataDir: path.dirname(path.dirname(file)), materializeDevSecrets: true });
    expect(loaded.config.security.proxy_signing_key).toBe(explicit);
    expect(loaded.generatedSecrets).not.toContain("security.proxy_signing_key");
  });

  it("validate and show only read the file and report what serve would generate", async () => {
    const { file, load } = await devSandbox();
    const loaded = await load({ materializeDevSecrets: false });
    expect(loaded.devMode).toBe(true);
    expect(loaded.generatedSecrets.length).toBe(devFilledSecretPaths.length);
    await expect(stat(file)).rejects.toThrow();
    expect(loaded.problems.find((problem) => problem.path === "jwt.secret")?.message).toContain("not generated yet");
  });

  it("an OPAQUE setup written into the dev-secrets file by hand is reused", async () => {
    const { file, load } = await devSandbox();
    await load({ materializeDevSecrets: true });
    const document = JSON.parse(await readFile(file, "utf8"));
    const setup = freshOpaqueSetup();
    document.secrets["security.opaque_server_setup_secret"] = setup;
    await writeFile(file, JSON.stringify(document));
    const loaded = await load({ materializeDevSecrets: true });
    expect(loaded.config.security.opaque_server_setup_secret).toBe(setup);
  });

  it("PostgreSQL without allow_dev_secrets never generates secrets", async () => {
    const { file, load } = await devSandbox({ SYNCTV_DATABASE_URL: "postgres://u@127.0.0.1/db" });
    const loaded = await load({ materializeDevSecrets: true });
    expect(loaded.devMode).toBe(false);
    expect(loaded.generatedSecrets).toEqual([]);
    await expect(stat(file)).rejects.toThrow();
    expect(loaded.problems.find((problem) => problem.path === "jwt.secret")?.severity).toBe("error");
  });

  it("PostgreSQL with allow_dev_secrets generates them (local test databases)", async () => {
    const { load } = await devSandbox({
      SYNCTV_DATABASE_URL: "postgres://u@127.0.0.1/db",
      SYNCTV_ALLOW_DEV_SECRETS: "true",
    });
    const loaded = await load({ materializeDevSecrets: true });
    expect(loaded.devMode).toBe(true);
  });

  it("cluster mode never generates secrets, even with allow_dev_secrets", async () => {
    const { file, load } = await devSandbox({
      SYNCTV_DATABASE_URL: "postgres://u@127.0.0.1/db",
      SYNCTV_ALLOW_DEV_SECRETS: "true",
      SYNCTV_CLUSTER_ENABLED: "true",
    });
    const loaded = await load({ materializeDevSecrets: true });
    expect(loaded.generatedSecrets).toEqual([]);
    await expect(stat(file)).rejects.toThrow();
    expect(loaded.problems.find((problem) => problem.path === "jwt.secret")).toMatchObject({
      severity: "error",
      message: expect.stringContaining("cluster mode"),
    });
  });
});
