import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { getAtPath, secretPaths } from "./leaves.js";
import { type LoadedConfig, loadConfig } from "./load.js";
import { redactUrl, renderConfig } from "./show.js";
import { makeTempDir, removeTempDirs, secretEnv, strongSecretValues } from "./test-fixtures.js";

afterEach(removeTempDirs);

/** Every secret value a loaded config holds (generated, from env, from files), for absence checks. */
function secretValuesOf(loaded: LoadedConfig): string[] {
  return secretPaths
    .map((key) => getAtPath(loaded.config, key.split(".")))
    .filter((value): value is string => typeof value === "string" && value !== "");
}

function expectNoSecrets(output: string, secrets: string[]) {
  expect(secrets.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(output).not.toContain(secret);
}

describe("config show", () => {
  it("never prints generated development secrets", async () => {
    const root = await makeTempDir();
    const loaded = await loadConfig({ cwd: root, env: { HOME: root }, dataDir: path.join(root, "data") });
    const secrets = secretValuesOf(loaded);
    for (const format of ["yaml", "json"] as const) {
      for (const sources of [false, true]) {
        const output = renderConfig(loaded, { format, sources });
        expectNoSecrets(output, secrets);
        expect(output).toContain("<generated: dev>");
      }
    }
  });

  it("never prints explicit secrets, secret files or URL passwords", async () => {
    const root = await makeTempDir();
    const values = strongSecretValues();
    const jwtFile = path.join(root, "jwt");
    await writeFile(jwtFile, `${values["jwt.secret"]}\n`);
    await chmod(jwtFile, 0o600);
    const env: Record<string, string> = {
      ...secretEnv(values),
      HOME: root,
      SYNCTV_DATABASE_URL: "postgres://synctv:Db-Pa55word-Value@db.internal:5432/synctv",
      SYNCTV_REDIS_URL: "redis://:Redis-Pa55word-Value@cache.internal:6379/0",
      SYNCTV_TELEMETRY_TRACES_ENDPOINT: "https://otel:Otel-Pa55word-Value@collector.internal/v1/traces",
      SYNCTV_JWT_SECRET_FILE: jwtFile,
    };
    delete env.SYNCTV_JWT_SECRET;
    const loaded = await loadConfig({ cwd: root, env, dataDir: path.join(root, "data") });
    const secrets = [...secretValuesOf(loaded), "Db-Pa55word-Value", "Redis-Pa55word-Value", "Otel-Pa55word-Value"];
    const yaml = renderConfig(loaded, { format: "yaml", sources: true });
    expectNoSecrets(yaml, secrets);
    expectNoSecrets(renderConfig(loaded, { format: "json" }), secrets);

    const shown = parseYaml(yaml);
    expect(shown.jwt.secret).toBe(`<redacted: file ${jwtFile}>`);
    expect(shown.security.proxy_signing_key).toBe("<redacted>");
    expect(shown.database.url).toBe("postgres://synctv:***@db.internal:5432/synctv");
    expect(shown.redis.url).toBe("redis://:***@cache.internal:6379/0");
  });

  it("--sources annotates each value with its layer", async () => {
    const root = await makeTempDir();
    await writeFile(path.join(root, "synctv.yaml"), "server: { port: 1234 }\n");
    const loaded = await loadConfig({ cwd: root, env: { HOME: root, SYNCTV_REALTIME_PORT: "2345" } });
    const yaml = renderConfig(loaded, { format: "yaml", sources: true });
    expect(yaml).toContain("port: 1234 # file");
    expect(yaml).toContain("port: 2345 # env");
    expect(yaml).toContain("port: 8081 # default");
    const json = JSON.parse(renderConfig(loaded, { format: "json", sources: true }));
    expect(json.server.port).toEqual({ value: 1234, source: "file" });
    expect(json.jwt.secret).toEqual({ value: "<generated: dev>", source: "dev-secrets" });
  });
});

describe("redactUrl", () => {
  it("replaces the password and keeps the rest", () => {
    expect(redactUrl("postgres://user:pw@host:5432/db?sslmode=require")).toBe(
      "postgres://user:***@host:5432/db?sslmode=require",
    );
    expect(redactUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });

  it("can drop the user too, and masks credential query parameters", () => {
    expect(redactUrl("postgres://user:pw@host/db", { hideUsername: true })).toBe("postgres://***:***@host/db");
    expect(redactUrl("https://cdn.example/v.m3u8?token=abc&sig=def&x=1")).toBe(
      "https://cdn.example/v.m3u8?token=***&sig=***&x=1",
    );
  });

  it("text that is not a URL is hidden entirely", () => {
    expect(redactUrl("user:pw@host")).toBe("<redacted: unparseable url>");
  });
});
