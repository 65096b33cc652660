// Development secrets (08 §3.5, 05 §6): in embedded mode missing secrets are generated once, persisted in
// `<data_dir>/secrets/dev-secrets.json` (dir 0700, file 0600) and reused, so `npm start` works with no setup.

import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { ready as opaqueReady, server as opaqueServer } from "@serenity-kit/opaque";
import { getAtPath, secretLeaves } from "./leaves.js";
import { resolveDataPath } from "./paths.js";
import { type ConfigProblem, configError } from "./problems.js";
import type { Config, SecretFormat } from "./schema.js";
import { secretValueProblems } from "./secret-rules.js";

export const DEV_SECRETS_RELATIVE_PATH = "secrets/dev-secrets.json";

// `generateDevSecret("opaque")` is synchronous and needs the library's WASM module.
await opaqueReady;

type DevSecretsDocument = { version: 1; secrets: Record<string, string> } & Record<string, unknown>;

/** PGlite is used: no `database.url`, or the driver is pinned to pglite. */
export function isEmbeddedDatabase(config: Config): boolean {
  return config.database.driver === "pglite" || (config.database.driver === "auto" && config.database.url === "");
}

/** Never in cluster mode; with PostgreSQL only when `allow_dev_secrets` (local test databases). */
export function devSecretsAllowed(config: Config): boolean {
  return !config.cluster.enabled && (isEmbeddedDatabase(config) || config.allow_dev_secrets);
}

export function devSecretsFile(config: Config): string {
  return resolveDataPath(config, DEV_SECRETS_RELATIVE_PATH);
}

/** Secrets this module generates (schema `devGenerated`). */
export const devGeneratedSecretPaths: readonly string[] = secretLeaves
  .filter((leaf) => leaf.secret?.devGenerated)
  .map((leaf) => leaf.path);

/**
 * The OPAQUE server setup. The schema does not mark it `devGenerated` (validation treats a missing one as a
 * warning in embedded mode, not an error), but it is generated here with @serenity-kit/opaque like the rest.
 */
export const devOpaqueSetupPaths: readonly string[] = secretLeaves
  .filter((leaf) => leaf.secret?.format === "opaque")
  .map((leaf) => leaf.path);

/** Every key this module fills in when the config leaves it empty. */
export const devFilledSecretPaths: readonly string[] = [...devGeneratedSecretPaths, ...devOpaqueSetupPaths];

const formatOf = new Map(secretLeaves.map((leaf) => [leaf.path, leaf.secret?.format ?? "token"]));

function drawSecret(format: SecretFormat): string {
  if (format === "hex64") return randomBytes(32).toString("hex");
  // A fresh setup from the library's CSPRNG, the same as `npx @serenity-kit/opaque create-server-setup`.
  if (format === "opaque") return opaqueServer.createSetup();
  return randomBytes(48).toString("base64url");
}

/** A fresh random secret in the format its key requires; re-drawn in the (rare) case a strength rule trips. */
export function generateDevSecret(format: SecretFormat): string {
  for (;;) {
    const value = drawSecret(format);
    if (secretValueProblems(format, value).length === 0) return value;
  }
}

export interface DevSecretsOutcome {
  /** Values to use, by key path (only keys the config left empty). */
  values: Record<string, string>;
  /** Keys whose value came from, or was just written to, the dev-secrets file. */
  persisted: string[];
  /** Keys generated only in memory because `materialize` was off: `serve` would generate them. */
  pending: string[];
  file: string;
  problems: ConfigProblem[];
}

async function readDocument(file: string): Promise<DevSecretsDocument | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse messages quote the input, which here is secret material.
    throw new Error("not valid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not a JSON object");
  const document = parsed as Record<string, unknown>;
  const secrets = document.secrets;
  if (secrets === null || typeof secrets !== "object" || Array.isArray(secrets)) {
    throw new Error("missing `secrets` object");
  }
  const stringSecrets = Object.fromEntries(
    Object.entries(secrets).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  return { ...document, version: 1, secrets: stringSecrets };
}

async function writeDocument(file: string, document: DevSecretsDocument, isNew: boolean): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (isNew) {
    // O_EXCL: if another process created the file meanwhile, fail rather than overwrite its secrets.
    await writeFile(file, text, { mode: 0o600, flag: "wx" });
  } else {
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, text, { mode: 0o600, flag: "w" });
    await rename(temporary, file);
  }
  await chmod(file, 0o600);
}

/**
 * Fills the empty generatable secrets of `config` from the dev-secrets file, generating the missing ones.
 * With `materialize` new values are persisted; without it (validate/show) they are generated in memory only.
 */
export async function provideDevSecrets(config: Config, options: { materialize: boolean }): Promise<DevSecretsOutcome> {
  const file = devSecretsFile(config);
  const outcome: DevSecretsOutcome = { values: {}, persisted: [], pending: [], file, problems: [] };
  if (!devSecretsAllowed(config)) return outcome;
  const isEmpty = (key: string) => getAtPath(config, key.split(".")) === "";
  const wanted = devFilledSecretPaths.filter(isEmpty);
  if (wanted.length === 0) return outcome;

  let document: DevSecretsDocument | null;
  try {
    document = await readDocument(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    outcome.problems.push(configError("dev_secrets", `cannot read ${file}: ${reason}`, "dev-secrets"));
    return outcome;
  }
  const stored = document?.secrets ?? {};
  const created: Record<string, string> = {};
  for (const key of wanted) {
    const existing = stored[key];
    const format = formatOf.get(key) ?? "token";
    if (existing !== undefined) {
      if (secretValueProblems(format, existing).length > 0) {
        outcome.problems.push(configError(key, `the value stored in ${file} is malformed`, "dev-secrets"));
        continue;
      }
      outcome.values[key] = existing;
      outcome.persisted.push(key);
    } else {
      created[key] = generateDevSecret(format);
    }
  }
  const createdKeys = Object.keys(created);
  if (createdKeys.length === 0) return outcome;
  Object.assign(outcome.values, created);
  if (!options.materialize) {
    outcome.pending.push(...createdKeys);
    return outcome;
  }
  const next: DevSecretsDocument = { ...(document ?? {}), version: 1, secrets: { ...stored, ...created } };
  try {
    await writeDocument(file, next, document === null);
    outcome.persisted.push(...createdKeys);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      // Another process won the race to create the file: use its values instead.
      return provideDevSecrets(config, options);
    }
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    outcome.problems.push(configError("dev_secrets", `cannot write ${file} (${code})`, "dev-secrets"));
  }
  return outcome;
}

/**
 * Keeps the generated development root password beside the generated secrets (spec 05 §12), so an
 * operator who missed the one-time stderr notice can still find it; same file, same 0600 mode.
 */
export async function recordDevRootPassword(config: Config, username: string, password: string): Promise<void> {
  const file = devSecretsFile(config);
  const existing = await readDocument(file);
  const document: DevSecretsDocument = {
    ...(existing ?? { version: 1, secrets: {} }),
    root_account: { username, password },
  };
  await writeDocument(file, document, existing === null);
}
