import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configLeaves, knownEnvNames, secretPaths } from "./leaves.js";
import {
  assertValid,
  ConfigInvalidError,
  type ConfigProblem,
  type LoadConfigOptions,
  loadConfig,
  resolveDataPath,
} from "./load.js";
import { configSearchPaths, defaultDataDir } from "./paths.js";
import { defaultConfig } from "./schema.js";
import { makeTempDir, removeTempDirs, secretEnv, strongSecretValues } from "./test-fixtures.js";

afterEach(removeTempDirs);

/** A sandbox: temp cwd, temp HOME/XDG dirs, and an env object that never touches process.env. */
async function sandbox(extraEnv: Record<string, string> = {}) {
  const root = await makeTempDir();
  const cwd = path.join(root, "work");
  await mkdir(cwd);
  const env: Record<string, string | undefined> = {
    HOME: path.join(root, "home"),
    XDG_CONFIG_HOME: path.join(root, "xdg-config"),
    XDG_STATE_HOME: path.join(root, "xdg-state"),
    ...extraEnv,
  };
  const load = (options: Partial<LoadConfigOptions> = {}) => loadConfig({ cwd, env, ...options });
  return { root, cwd, env, load };
}

const write = async (file: string, text: string, mode = 0o600) => {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text, { mode });
  await chmod(file, mode);
};

const problemAt = (problems: ConfigProblem[], key: string) => problems.find((problem) => problem.path === key);

describe("config schema", () => {
  it("defaults follow spec 08 §3.2", () => {
    const config = defaultConfig();
    expect(config.server).toMatchObject({ host: "0.0.0.0", port: 8080, enable_reflection: true });
    expect(config.realtime.port).toBe(8082);
    expect(config.health).toEqual({ enabled: true, host: "127.0.0.1", port: 8081 });
    expect(config.management).toMatchObject({ transport: "unix", unix_socket_path: "run/synctv.sock", port: 50052 });
    expect(config.request_rate_limits.categories.refresh).toEqual({ per_family: 30, per_ip: 120 });
    expect(config.security.ssrf.allowed_ports).toEqual([80, 443, 8080, 8443]);
    expect(config.proxy_slice_cache.slice_size_bytes).toBe(2 * 1024 * 1024);
    expect(config.cluster.catchup_window_secs).toBe(300);
  });

  it("the secret list is derived from the schema markers", () => {
    expect([...secretPaths].sort()).toEqual(
      [
        "jwt.secret",
        "security.opaque_server_setup_secret",
        "security.credential_encryption_key",
        "security.totp_encryption_key",
        "security.email_outbox_encryption_key",
        "security.provider_session_encryption_key",
        "security.proxy_signing_key",
        "security.media_swarm_signing_key",
        "security.login_discovery_key",
        "security.webauthn_enumeration_key",
        "management.auth_token",
        "metrics.auth.bearer_token",
        "metrics.auth.basic_password",
        "cluster.secret",
        "database.url",
        "redis.url",
        "bootstrap.root_password",
        "file_storage.upload_token_secret",
      ].sort(),
    );
  });

  it("env names are generated from the schema path and never collide", () => {
    const names = configLeaves.map((leaf) => leaf.envName);
    expect(new Set(names).size).toBe(names.length);
    expect(knownEnvNames.size).toBe(names.length + secretPaths.length);
    expect(configLeaves.find((leaf) => leaf.path === "proxy_slice_cache.slice_size_bytes")?.envName).toBe(
      "SYNCTV_PROXY_SLICE_CACHE_SLICE_SIZE_BYTES",
    );
  });
});

describe("config file search", () => {
  it("searches ./synctv.yaml, then XDG_CONFIG_HOME, /etc and /config", () => {
    expect(configSearchPaths("/w", { XDG_CONFIG_HOME: "/x" })).toEqual([
      "/w/synctv.yaml",
      "/x/synctv/synctv.yaml",
      "/etc/synctv/synctv.yaml",
      "/config/synctv.yaml",
    ]);
    expect(configSearchPaths("/w", { HOME: "/h" })[1]).toBe("/h/.config/synctv/synctv.yaml");
  });

  it("./synctv.yaml wins over the XDG config file", async () => {
    const { cwd, env, load } = await sandbox();
    await write(path.join(env.XDG_CONFIG_HOME ?? "", "synctv", "synctv.yaml"), "server: { port: 1001 }\n");
    expect((await load()).config.server.port).toBe(1001);
    await write(path.join(cwd, "synctv.yaml"), "server: { port: 1002 }\n");
    const loaded = await load();
    expect(loaded.config.server.port).toBe(1002);
    expect(loaded.configFile).toBe(path.join(cwd, "synctv.yaml"));
  });

  it("--config wins over SYNCTV_CONFIG_PATH, which wins over the search path", async () => {
    const { cwd, env, load } = await sandbox();
    await write(path.join(cwd, "synctv.yaml"), "server: { port: 1001 }\n");
    await write(path.join(cwd, "env.yaml"), "server: { port: 1002 }\n");
    await write(path.join(cwd, "flag.yaml"), "server: { port: 1003 }\n");
    env.SYNCTV_CONFIG_PATH = "env.yaml";
    expect((await load()).config.server.port).toBe(1002);
    expect((await load({ configPath: "flag.yaml" })).config.server.port).toBe(1003);
  });

  it("an explicit config file that does not exist is an error", async () => {
    const { load } = await sandbox();
    const loaded = await load({ configPath: "missing.yaml" });
    expect(problemAt(loaded.problems, "config_file")).toMatchObject({ severity: "error", source: "flag" });
    expect(() => assertValid(loaded)).toThrow(ConfigInvalidError);
  });

  it("no file means built-in defaults", async () => {
    const { load } = await sandbox();
    const loaded = await load();
    expect(loaded.configFile).toBeNull();
    expect(loaded.sources["server.port"]).toBe("default");
  });
});

describe("config precedence", () => {
  it("file < .env < env < flag, and every value remembers its layer", async () => {
    const { root, cwd, env, load } = await sandbox();
    await write(
      path.join(cwd, "synctv.yaml"),
      "data_dir: from-file\nserver: { port: 1001, host: 10.0.0.1 }\nrealtime: { port: 1101 }\nhealth: { port: 1201 }\n",
    );
    await write(
      path.join(cwd, ".env"),
      "SYNCTV_REALTIME_PORT=2101\nSYNCTV_HEALTH_PORT=2201\nSYNCTV_DATA_DIR=from-dotenv\n",
    );
    env.SYNCTV_HEALTH_PORT = "3201";
    env.SYNCTV_DATA_DIR = "from-env";
    const loaded = await load({ dataDir: path.join(root, "from-flag") });
    expect(loaded.config.server).toMatchObject({ host: "10.0.0.1", port: 1001 });
    expect(loaded.config.realtime.port).toBe(2101);
    expect(loaded.config.health.port).toBe(3201);
    expect(loaded.config.data_dir).toBe(path.join(root, "from-flag"));
    expect(loaded.sources).toMatchObject({
      "server.port": "file",
      "realtime.port": ".env",
      "health.port": "env",
      data_dir: "flag",
      "metrics.port": "default",
    });
  });

  it(".env never overrides a variable that is already set, and --no-dotenv skips it", async () => {
    const { cwd, env, load } = await sandbox({ SYNCTV_SERVER_PORT: "4001" });
    await write(path.join(cwd, ".env"), "SYNCTV_SERVER_PORT=4002\nSYNCTV_REALTIME_PORT=4102\n");
    const loaded = await load();
    expect(loaded.config.server.port).toBe(4001);
    expect(loaded.config.realtime.port).toBe(4102);
    expect(env.SYNCTV_REALTIME_PORT).toBeUndefined();
    expect((await load({ dotenv: false })).config.realtime.port).toBe(8082);
  });

  it("data_dir defaults to $XDG_STATE_HOME/synctv, else ~/.local/state/synctv", async () => {
    const { env, load } = await sandbox();
    expect((await load()).config.data_dir).toBe(path.join(env.XDG_STATE_HOME ?? "", "synctv"));
    expect(defaultDataDir({ HOME: "/home/u" }, "linux")).toBe("/home/u/.local/state/synctv");
  });

  it("relative runtime paths resolve against data_dir", async () => {
    const { root, load } = await sandbox();
    const { config } = await load({ dataDir: path.join(root, "data") });
    expect(resolveDataPath(config, config.management.unix_socket_path)).toBe(path.join(root, "data/run/synctv.sock"));
    expect(resolveDataPath(config, "/abs/pglite")).toBe("/abs/pglite");
  });
});

describe("file paths", () => {
  it("TLS files resolve against the config file's directory, never data_dir", async () => {
    const { root, cwd, load } = await sandbox();
    await write(
      path.join(cwd, "conf", "synctv.yaml"),
      "server:\n  tls: { cert_file: tls/cert.pem, key_file: /abs/key.pem }\n",
    );
    const { config } = await load({ configPath: "conf/synctv.yaml", dataDir: path.join(root, "data") });
    expect(config.server.tls).toEqual({
      cert_file: path.join(cwd, "conf", "tls", "cert.pem"),
      key_file: "/abs/key.pem",
    });
  });
});

describe("env mapping", () => {
  it("maps booleans, numbers, lists and maps from SYNCTV_* variables", async () => {
    const { load } = await sandbox({
      SYNCTV_SERVER_ENABLE_REFLECTION: "no",
      SYNCTV_HEALTH_ENABLED: "0",
      SYNCTV_METRICS_ENABLED: "yes",
      SYNCTV_METRICS_HOST: "127.0.0.1",
      SYNCTV_PROXY_SLICE_CACHE_SLICE_SIZE_BYTES: "1048576",
      SYNCTV_SERVER_TRUSTED_PROXIES: "10.0.0.0/8, 192.168.0.1",
      SYNCTV_SERVER_CORS_ALLOWED_ORIGINS: '["https://a.example","https://b.example"]',
      SYNCTV_SECURITY_SSRF_ALLOWED_PORTS: "80,8443",
      SYNCTV_LOGGING_COMPONENTS: '{"cluster":"warn","media":"debug"}',
      SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_REFRESH_PER_IP: "7",
    });
    const { config, problems } = await load();
    expect(config.server.enable_reflection).toBe(false);
    expect(config.health.enabled).toBe(false);
    expect(config.metrics.enabled).toBe(true);
    expect(config.proxy_slice_cache.slice_size_bytes).toBe(1_048_576);
    expect(config.server.trusted_proxies).toEqual(["10.0.0.0/8", "192.168.0.1"]);
    expect(config.server.cors_allowed_origins).toEqual(["https://a.example", "https://b.example"]);
    expect(config.security.ssrf.allowed_ports).toEqual([80, 8443]);
    expect(config.logging.components).toEqual({ cluster: "warn", media: "debug" });
    expect(config.request_rate_limits.categories.refresh.per_ip).toBe(7);
    expect(problems.filter((problem) => problem.severity === "error")).toEqual([]);
  });

  it("a malformed value is an error naming the key and layer, and the default stays in force", async () => {
    const { load } = await sandbox({ SYNCTV_SERVER_PORT: "eighty", SYNCTV_HEALTH_ENABLED: "maybe" });
    const loaded = await load();
    expect(problemAt(loaded.problems, "server.port")).toMatchObject({ severity: "error", source: "env" });
    expect(problemAt(loaded.problems, "health.enabled")).toMatchObject({ severity: "error", source: "env" });
    expect(loaded.config.server.port).toBe(8080);
    expect(loaded.sources["server.port"]).toBe("default");
  });

  it("unknown SYNCTV_* variables warn, and are errors with strict", async () => {
    const { load } = await sandbox({
      SYNCTV_SERVER_PROT: "1",
      SYNCTV_MANAGEMENT_ENDPOINT: "/tmp/x.sock",
      SYNCTV_TEST_DATABASE_URL: "postgres://x",
    });
    const loaded = await load();
    expect(loaded.problems.filter((problem) => problem.path.startsWith("SYNCTV_"))).toEqual([
      { severity: "warning", path: "SYNCTV_SERVER_PROT", source: "env", message: expect.any(String) },
    ]);
    const strict = await load({ strict: true });
    expect(problemAt(strict.problems, "SYNCTV_SERVER_PROT")?.severity).toBe("error");
  });

  it("unknown keys in the YAML file warn, and are errors with strict", async () => {
    const { cwd, load } = await sandbox();
    await write(path.join(cwd, "synctv.yaml"), "server:\n  prot: 1\nbogus: true\n");
    const loaded = await load();
    expect(problemAt(loaded.problems, "server.prot")).toMatchObject({ severity: "warning", source: "file" });
    expect(problemAt(loaded.problems, "bogus")?.severity).toBe("warning");
    expect(problemAt((await load({ strict: true })).problems, "bogus")?.severity).toBe("error");
  });

  it("per-provider timeouts are accepted under media_providers", async () => {
    const { cwd, load } = await sandbox();
    await write(path.join(cwd, "synctv.yaml"), "media_providers:\n  alist: { request_timeout_seconds: 5 }\n");
    const loaded = await load();
    expect(loaded.config.media_providers["alist"]).toEqual({ request_timeout_seconds: 5 });
    expect(loaded.problems.filter((problem) => problem.source === "file")).toEqual([]);
  });
});

describe("secret files", () => {
  it("a *_file secret is read relative to the config file, with one trailing newline stripped", async () => {
    const { cwd, load } = await sandbox();
    const secret = strongSecretValues()["jwt.secret"] ?? "";
    await write(path.join(cwd, "conf", "secrets", "jwt"), `${secret}\n`);
    await write(path.join(cwd, "conf", "synctv.yaml"), "jwt:\n  secret_file: secrets/jwt\n");
    const loaded = await load({ configPath: "conf/synctv.yaml" });
    expect(loaded.config.jwt.secret).toBe(secret);
    expect(loaded.secretFiles["jwt.secret"]).toBe(path.join(cwd, "conf", "secrets", "jwt"));
    expect(loaded.sources["jwt.secret"]).toBe("file");
    expect(loaded.generatedSecrets).not.toContain("jwt.secret");
  });

  it("SYNCTV_*_FILE reads a secret relative to the working directory when there is no config file", async () => {
    const { cwd, load, env } = await sandbox();
    const token = strongSecretValues()["management.auth_token"] ?? "";
    await write(path.join(cwd, "token.txt"), `${token}\n`);
    env.SYNCTV_MANAGEMENT_AUTH_TOKEN_FILE = "token.txt";
    const loaded = await load();
    expect(loaded.config.management.auth_token).toBe(token);
    expect(loaded.sources["management.auth_token"]).toBe("env");
  });

  it("a secret file readable by group or others warns", async () => {
    const { cwd, load, env } = await sandbox();
    await write(path.join(cwd, "jwt"), strongSecretValues()["jwt.secret"] ?? "", 0o644);
    env.SYNCTV_JWT_SECRET_FILE = "jwt";
    const problem = problemAt((await load()).problems, "jwt.secret");
    expect(problem).toMatchObject({ severity: "warning", source: "env" });
    expect(problem?.message).toContain("readable by group or others");
  });

  it("a value and a file for the same key in one layer is an error", async () => {
    const { cwd, load, env } = await sandbox();
    await write(path.join(cwd, "jwt"), strongSecretValues()["jwt.secret"] ?? "");
    await write(path.join(cwd, "synctv.yaml"), "jwt:\n  secret: abc\n  secret_file: jwt\n");
    expect(problemAt((await load()).problems, "jwt.secret")).toMatchObject({ severity: "error", source: "file" });
    env.SYNCTV_CLUSTER_SECRET = "x";
    env.SYNCTV_CLUSTER_SECRET_FILE = "jwt";
    expect(problemAt((await load()).problems, "cluster.secret")).toMatchObject({ severity: "error", source: "env" });
  });

  it("across layers the higher one wins, whether it is a value or a file", async () => {
    const { cwd, load, env } = await sandbox();
    const [fromFile, fromEnv] = [strongSecretValues()["jwt.secret"] ?? "", strongSecretValues()["jwt.secret"] ?? ""];
    await write(path.join(cwd, "jwt"), fromFile);
    await write(path.join(cwd, "synctv.yaml"), "jwt:\n  secret_file: jwt\n");
    env.SYNCTV_JWT_SECRET = fromEnv;
    const loaded = await load();
    expect(loaded.config.jwt.secret).toBe(fromEnv);
    expect(loaded.secretFiles["jwt.secret"]).toBeUndefined();
  });

  it("a missing secret file is an error", async () => {
    const { load, env } = await sandbox();
    env.SYNCTV_JWT_SECRET_FILE = "nope";
    expect(problemAt((await load()).problems, "jwt.secret")).toMatchObject({ severity: "error", source: "env" });
  });
});

describe("production load", () => {
  it("a PostgreSQL deployment with every secret in the environment is valid and not in dev mode", async () => {
    const { root, load } = await sandbox({
      ...secretEnv(strongSecretValues()),
      SYNCTV_DATABASE_URL: "postgres://synctv:pw@127.0.0.1/synctv",
    });
    const loaded = assertValid(await load({ dataDir: path.join(root, "data") }));
    expect(loaded.devMode).toBe(false);
    expect(loaded.generatedSecrets).toEqual([]);
  });

  it("a PostgreSQL deployment without secrets fails with ConfigInvalidError listing the keys", async () => {
    const { load } = await sandbox({ SYNCTV_DATABASE_URL: "postgres://synctv@127.0.0.1/synctv" });
    const loaded = await load();
    expect(loaded.devMode).toBe(false);
    const error = (() => {
      try {
        assertValid(loaded);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as ConfigInvalidError).problems.map((problem) => problem.path)).toContain("jwt.secret");
  });
});
