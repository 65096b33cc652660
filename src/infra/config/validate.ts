// Cross-field validation of a parsed config (08 §3.3, 05 §6): secrets, listeners, URLs, proxies, cluster.
// Every problem names the key path and the layer its value came from; secret values never appear.

import net from "node:net";
import { devGeneratedSecretPaths, devSecretsAllowed, isEmbeddedDatabase } from "./dev-secrets.js";
import { getAtPath, secretLeaves } from "./leaves.js";
import { resolveDataPath } from "./paths.js";
import { type ConfigProblem, configError, configWarning } from "./problems.js";
import type { Config } from "./schema.js";
import { secretIdentity, secretValueProblems } from "./secret-rules.js";

export interface ValidationContext {
  /** Layer of each dotted key path; missing paths are defaults. */
  sources: Readonly<Record<string, string>>;
}

type Report = (severity: "error" | "warning", path: string, message: string) => void;

/** Longest path a Unix socket may have (sun_path is 104–108 bytes; keep a margin). */
const MAX_SOCKET_PATH_BYTES = 100;

const stringAt = (config: Config, path: string): string => {
  const value = getAtPath(config, path.split("."));
  return typeof value === "string" ? value : "";
};

function isLoopbackHost(host: string): boolean {
  if (host === "localhost" || host === "::1") return true;
  return net.isIPv4(host) && host.startsWith("127.");
}

function isWildcardHost(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "";
}

function requiredSecretPaths(config: Config): string[] {
  const required = [...devGeneratedSecretPaths, "security.opaque_server_setup_secret"];
  if (config.management.enabled && config.management.transport === "tcp") required.push("management.auth_token");
  if (config.metrics.enabled && config.metrics.auth.mode === "bearer") required.push("metrics.auth.bearer_token");
  if (config.metrics.enabled && config.metrics.auth.mode === "basic") required.push("metrics.auth.basic_password");
  if (config.cluster.enabled) required.push("cluster.secret", "redis.url");
  if (config.database.driver === "postgres" || config.cluster.enabled) required.push("database.url");
  if (config.bootstrap.create_root_user) required.push("bootstrap.root_password");
  return required;
}

function checkSecrets(config: Config, report: Report): void {
  const devAllowed = devSecretsAllowed(config);
  for (const path of requiredSecretPaths(config)) {
    if (stringAt(config, path) !== "") continue;
    if (path === "security.opaque_server_setup_secret" && devAllowed) {
      report("warning", path, "not set; generate one with `synctv secrets opaque-setup` (OPAQUE logins need it)");
    } else if (config.cluster.enabled) {
      report("error", path, "required: cluster mode needs every secret provided explicitly");
    } else if (devGeneratedSecretPaths.includes(path)) {
      report("error", path, "required: development secrets are only generated with the embedded database");
    } else {
      report("error", path, "required by the current settings");
    }
  }

  const seen = new Map<string, string>();
  for (const leaf of secretLeaves) {
    const value = stringAt(config, leaf.path);
    if (value === "" || leaf.secret === undefined) continue;
    for (const message of secretValueProblems(leaf.secret.format, value)) report("error", leaf.path, message);
    if (leaf.secret.format === "url") continue;
    const identity = secretIdentity(value);
    const twin = seen.get(identity);
    if (twin !== undefined) report("error", leaf.path, `must differ from ${twin} (every secret has one purpose)`);
    else seen.set(identity, leaf.path);
  }
}

function checkConnectionUrls(config: Config, report: Report): void {
  const schemes: Array<[string, string[]]> = [
    ["database.url", ["postgres:", "postgresql:"]],
    ["redis.url", ["redis:", "rediss:"]],
  ];
  for (const [path, allowed] of schemes) {
    const value = stringAt(config, path);
    if (value === "") continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      report("error", path, "is not a valid URL");
      continue;
    }
    if (!allowed.includes(url.protocol)) {
      const extra = path === "redis.url" ? " (Redis Sentinel is not supported)" : "";
      report("error", path, `scheme must be one of ${allowed.map((s) => s.slice(0, -1)).join(", ")}${extra}`);
    }
  }
  if (config.database.driver === "pglite" && config.database.url !== "") {
    report("warning", "database.url", "is ignored because database.driver is pglite");
  }
}

interface Listener {
  name: string;
  portPath: string;
  host: string;
  port: number;
}

function activeListeners(config: Config): Listener[] {
  const listeners: Listener[] = [
    { name: "server", portPath: "server.port", host: config.server.host, port: config.server.port },
    { name: "realtime", portPath: "realtime.port", host: config.realtime.host, port: config.realtime.port },
  ];
  if (config.health.enabled) {
    listeners.push({ name: "health", portPath: "health.port", host: config.health.host, port: config.health.port });
  }
  if (config.metrics.enabled) {
    listeners.push({ name: "metrics", portPath: "metrics.port", host: config.metrics.host, port: config.metrics.port });
  }
  if (config.management.enabled && config.management.transport === "tcp") {
    // TCP management always binds loopback (08 §4.1).
    listeners.push({
      name: "management",
      portPath: "management.port",
      host: "127.0.0.1",
      port: config.management.port,
    });
  }
  if (config.cluster.enabled) {
    listeners.push({ name: "cluster", portPath: "cluster.port", host: config.cluster.host, port: config.cluster.port });
  }
  if (config.livestream.enabled) {
    listeners.push({
      name: "rtmp",
      portPath: "livestream.rtmp_port",
      host: "0.0.0.0",
      port: config.livestream.rtmp_port,
    });
  }
  return listeners;
}

function checkListeners(config: Config, report: Report): void {
  const listeners = activeListeners(config);
  for (const [index, listener] of listeners.entries()) {
    // Port 0 asks the kernel for a free port, so it never collides.
    if (listener.port === 0) continue;
    const clash = listeners
      .slice(0, index)
      .find(
        (other) =>
          other.port === listener.port &&
          (other.host === listener.host || isWildcardHost(other.host) || isWildcardHost(listener.host)),
      );
    if (clash !== undefined) {
      report(
        "error",
        listener.portPath,
        `${listener.name} listener ${listener.host}:${listener.port} collides with the ${clash.name} listener ${clash.host}:${clash.port}`,
      );
    }
  }
}

function checkManagement(config: Config, report: Report): void {
  const management = config.management;
  if (!management.enabled) return;
  if (management.transport === "tcp") {
    if (management.port !== 0 && management.port === config.server.port) {
      report("error", "management.port", "must differ from server.port (the public API port)");
    }
    return;
  }
  const socketPath = resolveDataPath(config, management.unix_socket_path);
  if (!socketPath.startsWith("/")) {
    report("error", "management.unix_socket_path", "must resolve to an absolute path");
  }
  const bytes = Buffer.byteLength(socketPath);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    report(
      "error",
      "management.unix_socket_path",
      `resolves to ${bytes} bytes (${socketPath}); at most ${MAX_SOCKET_PATH_BYTES} bytes fit a Unix socket address`,
    );
  }
}

function checkMetrics(config: Config, report: Report): void {
  const metrics = config.metrics;
  if (!metrics.enabled) return;
  if (!isLoopbackHost(metrics.host) && metrics.auth.mode === "none") {
    report(
      "error",
      "metrics.auth.mode",
      `must be bearer or basic when metrics listen on ${metrics.host} (not loopback)`,
    );
  }
  if (metrics.auth.mode === "basic" && metrics.auth.basic_username === "") {
    report("error", "metrics.auth.basic_username", "required when metrics.auth.mode is basic");
  }
}

/** `scheme://host[:port]` with nothing else: no path, query, fragment or credentials. */
function bareOriginProblem(value: string, schemes: string[]): string | null {
  if (value === "*") return "must list origins explicitly, never '*'";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a valid URL";
  }
  if (!schemes.includes(url.protocol)) return `scheme must be ${schemes.map((s) => s.slice(0, -1)).join(" or ")}`;
  if (url.username !== "" || url.password !== "") return "must not contain credentials";
  if (url.origin !== value) return `must be a bare origin like ${url.origin} (no path, query or trailing slash)`;
  return null;
}

function checkUrls(config: Config, report: Report): void {
  for (const [index, origin] of config.server.cors_allowed_origins.entries()) {
    const problem = bareOriginProblem(origin, ["http:", "https:"]);
    if (problem !== null) report("error", `server.cors_allowed_origins[${index}]`, problem);
  }
  if (config.server.public_url !== "") {
    const problem = bareOriginProblem(config.server.public_url, ["http:", "https:"]);
    if (problem !== null) report("error", "server.public_url", problem);
  }
  const realtimeUrl = config.realtime.public_url;
  if (realtimeUrl !== "") {
    let url: URL | null = null;
    try {
      url = new URL(realtimeUrl);
    } catch {
      report("error", "realtime.public_url", "is not a valid URL");
    }
    if (url !== null) {
      if (url.protocol !== "ws:" && url.protocol !== "wss:") {
        report("error", "realtime.public_url", "must be ws://host[:port][/prefix] or wss://…");
      } else if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
        report("error", "realtime.public_url", "must not contain credentials, a query or a fragment");
      }
    }
  }
}

function cidrProblem(entry: string): string | null {
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return "is not an IP address or CIDR range";
  if (prefix === undefined) return null;
  const bits = Number(prefix);
  const maxBits = family === 4 ? 32 : 128;
  if (!/^\d+$/.test(prefix) || bits > maxBits) return "has an invalid prefix length";
  // A /0 trusts every address, which lets any client forge X-Forwarded-For.
  if (bits === 0) return "must not trust every address (0.0.0.0/0, ::/0)";
  return null;
}

function checkTrustedProxies(config: Config, report: Report): void {
  for (const [index, entry] of config.server.trusted_proxies.entries()) {
    const problem = cidrProblem(entry.trim());
    if (problem !== null) report("error", `server.trusted_proxies[${index}]`, problem);
  }
}

function checkTls(config: Config, report: Report): void {
  const { cert_file, key_file } = config.server.tls;
  if ((cert_file === "") !== (key_file === "")) {
    report(
      "error",
      cert_file === "" ? "server.tls.cert_file" : "server.tls.key_file",
      "cert_file and key_file go together",
    );
  }
}

function checkCluster(config: Config, report: Report): void {
  if (!config.cluster.enabled) return;
  if (isEmbeddedDatabase(config)) {
    report("error", "database.driver", "cluster mode needs PostgreSQL (database.url), not the embedded PGlite");
  }
}

/** All cross-field rules; schema-level type errors are reported by the loader before this runs. */
export function validateConfig(config: Config, context: ValidationContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report: Report = (severity, path, message) => {
    // `server.trusted_proxies[2]` inherits the layer of `server.trusted_proxies`.
    const source = context.sources[path.replace(/\[\d+\]$/, "")] ?? "default";
    problems.push(severity === "error" ? configError(path, message, source) : configWarning(path, message, source));
  };
  checkSecrets(config, report);
  checkConnectionUrls(config, report);
  checkListeners(config, report);
  checkManagement(config, report);
  checkMetrics(config, report);
  checkUrls(config, report);
  checkTrustedProxies(config, report);
  checkTls(config, report);
  checkCluster(config, report);
  return problems;
}
