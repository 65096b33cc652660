import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { getAtPath, secretPaths } from "../../../infra/config/leaves.js";
import { loadConfig } from "../../../infra/config/load.js";
import { makeTempDir, removeTempDirs, secretEnv, strongSecretValues } from "../../../infra/config/test-fixtures.js";
import { ExitCode, registerConfigCommands } from "./config.js";

afterEach(removeTempDirs);

/** A program with the CLI-wide options, output captured, exit code recorded instead of set on process. */
async function cli(env: Record<string, string> = {}) {
  const root = await makeTempDir();
  const captured = { stdout: "", stderr: "", exitCode: undefined as number | undefined };
  const program = new Command()
    .name("synctv")
    .option("--config <path>")
    .option("--data-dir <path>")
    .option("--no-dotenv")
    .option("-o, --output <format>")
    .exitOverride();
  registerConfigCommands(program, {
    stdout: (text) => {
      captured.stdout += text;
    },
    stderr: (text) => {
      captured.stderr += text;
    },
    env: { HOME: root, ...env },
    cwd: root,
    setExitCode: (code) => {
      captured.exitCode = code;
    },
  });
  const run = async (...args: string[]) => {
    Object.assign(captured, { stdout: "", stderr: "", exitCode: undefined });
    await program.parseAsync(["--data-dir", path.join(root, "data"), ...args], { from: "user" });
    return captured;
  };
  return { root, run };
}

const productionEnv = () => ({
  ...secretEnv(strongSecretValues()),
  SYNCTV_DATABASE_URL: "postgres://synctv:pw@127.0.0.1:5432/synctv",
});

describe("synctv config validate", () => {
  it("exits 0 for a valid production config", async () => {
    const { run } = await cli(productionEnv());
    const result = await run("config", "validate", "--strict");
    expect(result.exitCode).toBe(ExitCode.OK);
    expect(result.stdout).toContain("config valid");
  });

  it("exits 5 and prints each problem with its path and layer", async () => {
    const { run } = await cli({ ...productionEnv(), SYNCTV_SERVER_PORT: "8081" });
    const result = await run("config", "validate");
    expect(result.exitCode).toBe(ExitCode.INVALID);
    expect(result.stdout).toMatch(/^error {2}health\.port \(default\): .*collides/m);
  });

  it("embedded dev secrets pass, but --strict fails on them", async () => {
    const { run } = await cli();
    expect((await run("config", "validate")).exitCode).toBe(ExitCode.OK);
    const strict = await run("config", "validate", "--strict");
    expect(strict.exitCode).toBe(ExitCode.INVALID);
    expect(strict.stdout).toMatch(/^error {2}jwt\.secret \(dev-secrets\): generated development secret/m);
  });

  it("--strict turns unknown variables into errors", async () => {
    const { run } = await cli({ ...productionEnv(), SYNCTV_SERVR_PORT: "1" });
    expect((await run("config", "validate")).exitCode).toBe(ExitCode.OK);
    const strict = await run("config", "validate", "--strict");
    expect(strict.exitCode).toBe(ExitCode.INVALID);
    expect(strict.stdout).toContain("error  SYNCTV_SERVR_PORT (env)");
  });

  it("honours --config and --no-dotenv", async () => {
    const { root, run } = await cli(productionEnv());
    await writeFile(path.join(root, "custom.yaml"), "server: { port: 8081 }\n");
    await writeFile(path.join(root, ".env"), "SYNCTV_REALTIME_PORT=8080\n");
    expect((await run("--no-dotenv", "config", "validate")).exitCode).toBe(ExitCode.OK);
    const withDotenv = await run("config", "validate");
    expect(withDotenv.exitCode).toBe(ExitCode.INVALID);
    expect(withDotenv.stdout).toContain("realtime.port (.env)");
    const withFile = await run("--no-dotenv", "--config", "custom.yaml", "config", "validate");
    expect(withFile.stdout).toContain(`config file: ${path.join(root, "custom.yaml")}`);
    expect(withFile.stdout).toContain("health.port (default)");
  });
});

describe("synctv config show", () => {
  it("prints YAML or JSON without any secret value", async () => {
    const env = productionEnv();
    const { root, run } = await cli(env);
    const loaded = await loadConfig({ cwd: root, env: { HOME: root, ...env }, dataDir: path.join(root, "data") });
    const secrets = secretPaths
      .map((key) => getAtPath(loaded.config, key.split(".")))
      .filter((value): value is string => typeof value === "string" && value !== "");
    const yaml = await run("config", "show", "--sources");
    expect(yaml.exitCode).toBe(ExitCode.OK);
    expect(yaml.stdout).toContain("secret: <redacted> # env");
    const json = await run("config", "show", "-o", "json");
    expect(JSON.parse(json.stdout).database.url).toBe("postgres://synctv:***@127.0.0.1:5432/synctv");
    for (const secret of [...secrets, ":pw@"]) expect(json.stdout + yaml.stdout).not.toContain(secret);
  });

  it("generated development secrets are marked, never printed", async () => {
    const { run, root } = await cli();
    // What `serve` would do first: persist the dev secrets that show then reads.
    const served = await loadConfig({
      cwd: root,
      env: { HOME: root },
      dataDir: path.join(root, "data"),
      materializeDevSecrets: true,
    });
    const result = await run("config", "show");
    expect(result.stdout).toContain('secret: "<generated: dev>"');
    expect(served.generatedSecrets.length).toBeGreaterThan(0);
    for (const key of served.generatedSecrets) {
      expect(result.stdout).not.toContain(getAtPath(served.config, key.split(".")));
    }
  });

  it("exits 5 with the problems on stderr when the config is invalid, 2 for an unknown format", async () => {
    const { run } = await cli({ ...productionEnv(), SYNCTV_SERVER_PORT: "not-a-port" });
    const invalid = await run("config", "show");
    expect(invalid.exitCode).toBe(ExitCode.INVALID);
    expect(invalid.stderr).toContain("error  server.port (env)");
    expect((await run("-o", "toml", "config", "show")).exitCode).toBe(ExitCode.USAGE);
  });
});
