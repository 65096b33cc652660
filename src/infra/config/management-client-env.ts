// The CLI's management-client variables (08 §4.3): SYNCTV_MANAGEMENT_ENDPOINT and
// SYNCTV_MANAGEMENT_AUTH_TOKEN[_FILE]. They are not config keys (layers.ts reserves them), but they
// are read here, in the config module, because nothing else reads process.env.
import type { Env } from "./paths.js";

export interface ManagementClientEnv {
  endpoint: string;
  authToken: string;
  authTokenFile: string;
}

export function managementClientEnv(env: Env = process.env): ManagementClientEnv {
  return {
    endpoint: env.SYNCTV_MANAGEMENT_ENDPOINT ?? "",
    authToken: env.SYNCTV_MANAGEMENT_AUTH_TOKEN ?? "",
    authTokenFile: env.SYNCTV_MANAGEMENT_AUTH_TOKEN_FILE ?? "",
  };
}
