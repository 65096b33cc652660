// Where the CLI finds the management service (08 §4.3): `--endpoint`, then
// SYNCTV_MANAGEMENT_ENDPOINT, else derived from the loaded config. Accepted forms: `/abs/path.sock`,
// `unix:///abs/path`, `http://127.0.0.1:port`.
import type { Config } from "../../../infra/config/load.js";
import { resolveDataPath } from "../../../infra/config/load.js";
import { ExitCode } from "../exit-codes.js";
import { CliFailure } from "./cli-failure.js";

export type ClientEndpoint = { kind: "unix"; socketPath: string } | { kind: "http"; baseUrl: string };

export function parseEndpoint(text: string): ClientEndpoint {
  if (text.startsWith("/")) return { kind: "unix", socketPath: text };
  if (text.startsWith("unix://")) {
    const socketPath = text.slice("unix://".length);
    if (socketPath.startsWith("/")) return { kind: "unix", socketPath };
  }
  if (/^http:\/\/[^/]+(\/)?$/.test(text)) return { kind: "http", baseUrl: text.replace(/\/$/, "") };
  throw new CliFailure(
    `invalid endpoint '${text}': use /abs/path.sock, unix:///abs/path or http://127.0.0.1:PORT`,
    ExitCode.USAGE,
  );
}

export function resolveEndpoint(flag: string | undefined, env: string, config: Config): ClientEndpoint {
  if (flag !== undefined && flag !== "") return parseEndpoint(flag);
  if (env !== "") return parseEndpoint(env);
  const m = config.management;
  if (m.transport === "tcp") return { kind: "http", baseUrl: `http://127.0.0.1:${m.port}` };
  return { kind: "unix", socketPath: resolveDataPath(config, m.unix_socket_path) };
}

export function describeEndpoint(endpoint: ClientEndpoint): string {
  return endpoint.kind === "unix" ? endpoint.socketPath : endpoint.baseUrl;
}
