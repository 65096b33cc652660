// Builders shared by the config tests: temp directories, a complete set of strong secrets, a valid config.
// Secrets are generated per run, so no literal secret value lives in the repository.

import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateDevSecret } from "./dev-secrets.js";
import { secretLeaves, setAtPath } from "./leaves.js";
import { type Config, defaultConfig } from "./schema.js";

const created: string[] = [];

/** A fresh directory under the OS temp dir; remove them all with `removeTempDirs` in afterEach. */
export async function makeTempDir(prefix = "synctv-config-"): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A fresh OPAQUE server setup from the library: validation loads it, so random bytes would not pass. */
export function freshOpaqueSetup(): string {
  return generateDevSecret("opaque");
}

/** Strong, distinct values for every secret that a production deployment must provide. */
export function strongSecretValues(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const leaf of secretLeaves) {
    const format = leaf.secret?.format;
    if (format === undefined || format === "url" || format === "password") continue;
    values[leaf.path] = generateDevSecret(format);
  }
  values["bootstrap.root_password"] = `Rt${randomBytes(12).toString("hex")}9x`;
  return values;
}

/** The same secrets as SYNCTV_* variables. */
export function secretEnv(values: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const leaf of secretLeaves) {
    const value = values[leaf.path];
    if (value !== undefined) env[leaf.envName] = value;
  }
  return env;
}

/** A production-shaped config (PostgreSQL, required secrets set) that passes validation; `secrets` has the rest. */
export function validConfig(dataDir = "/var/lib/synctv"): { config: Config; secrets: Record<string, string> } {
  const config = defaultConfig();
  config.data_dir = dataDir;
  config.database.url = "postgres://synctv:db-password@127.0.0.1:5432/synctv";
  const secrets = strongSecretValues();
  // Only the always-required secrets; conditional ones (management token, cluster secret…) stay empty
  // so tests can show what enabling a feature requires.
  for (const leaf of secretLeaves) {
    const value = secrets[leaf.path];
    if (value !== undefined && (leaf.secret?.devGenerated || leaf.secret?.format === "opaque")) {
      setAtPath(config as unknown as Record<string, unknown>, [...leaf.segments], value);
    }
  }
  return { config, secrets };
}
