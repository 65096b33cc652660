// The management token the CLI sends (08 §4.3): `--auth-token`, `--auth-token-file`, then
// SYNCTV_MANAGEMENT_AUTH_TOKEN[_FILE], then management.auth_token from the config. An empty token
// is never sent (the Unix socket without a token relies on file permissions).
import type { ManagementClientEnv } from "../../../infra/config/management-client-env.js";
import { readSecretFromFile } from "./secret-input.js";

export interface TokenFlags {
  authToken?: string;
  authTokenFile?: string;
}

export async function resolveAuthToken(flags: TokenFlags, env: ManagementClientEnv, configToken: string) {
  if (flags.authToken) return flags.authToken;
  if (flags.authTokenFile) return readSecretFromFile(flags.authTokenFile, "auth token");
  if (env.authToken !== "") return env.authToken;
  if (env.authTokenFile !== "") return readSecretFromFile(env.authTokenFile, "auth token");
  return configToken;
}
