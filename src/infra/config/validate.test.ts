import { describe, expect, it } from "vitest";
import type { ConfigProblem } from "./problems.js";
import type { Config } from "./schema.js";
import { validConfig } from "./test-fixtures.js";
import { validateConfig } from "./validate.js";

const errorsOf = (config: Config, sources: Record<string, string> = {}): ConfigProblem[] =>
  validateConfig(config, { sources }).filter((problem) => problem.severity === "error");

const errorPaths = (config: Config) => errorsOf(config).map((problem) => problem.path);

/** Applies `mutate` to a fresh valid config and returns its error paths. */
function errorsAfter(mutate: (config: Config, secrets: Record<string, string>) => void): string[] {
  const { config, secrets } = validConfig();
  mutate(config, secrets);
  return errorPaths(config);
}

describe("config validation", () => {
  it("a complete production config has no errors", () => {
    expect(errorsOf(validConfig().config)).toEqual([]);
  });

  it("a placeholder jwt secret is rejected with its key path and layer, never its value", () => {
    const { config } = validConfig();
    config.jwt.secret = "change-me-change-me-change-me-change-me";
    const problems = errorsOf(config, { "jwt.secret": "env" });
    expect(problems.map((problem) => [problem.path, problem.source])).toContainEqual(["jwt.secret", "env"]);
    for (const problem of problems) expect(problem.message).not.toContain(config.jwt.secret);
  });

  it("an encryption key that is not 64 hex characters is rejected", () => {
    expect(errorsAfter((c) => (c.security.totp_encryption_key = "not-hex-not-hex-not-hex-not-hex-0123456789"))).toEqual(
      ["security.totp_encryption_key"],
    );
  });

  it("a short signing key is rejected", () => {
    expect(errorsAfter((c) => (c.security.proxy_signing_key = "Short-Key-123"))).toEqual([
      "security.proxy_signing_key",
    ]);
  });

  it("two equal secrets are rejected, hex keys compared case-insensitively", () => {
    expect(
      errorsAfter((c) => (c.security.totp_encryption_key = c.security.credential_encryption_key.toUpperCase())),
    ).toEqual(["security.totp_encryption_key"]);
    expect(errorsAfter((c) => (c.cluster.secret = c.jwt.secret))).toEqual(["cluster.secret"]);
  });

  it("with PostgreSQL a missing secret is an error; the OPAQUE setup is required too", () => {
    expect(errorsAfter((c) => (c.security.login_discovery_key = ""))).toEqual(["security.login_discovery_key"]);
    expect(errorsAfter((c) => (c.security.opaque_server_setup_secret = ""))).toEqual([
      "security.opaque_server_setup_secret",
    ]);
  });

  it("in embedded mode a missing OPAQUE setup is only a warning", () => {
    const { config } = validConfig();
    config.database.url = "";
    config.security.opaque_server_setup_secret = "";
    const problems = validateConfig(config, { sources: {} });
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(problems.map((p) => p.path)).toContain("security.opaque_server_setup_secret");
  });

  it("connection URLs need the right scheme", () => {
    expect(errorsAfter((c) => (c.database.url = "mysql://u:p@h/db"))).toEqual(["database.url"]);
    expect(errorsAfter((c) => (c.redis.url = "redis+sentinel://h:26379"))).toEqual(["redis.url"]);
    expect(errorsAfter((c) => (c.redis.url = "rediss://:pw@h:6380/0"))).toEqual([]);
  });

  it("two listeners on the same host and port collide; port 0 never does", () => {
    expect(errorsAfter((c) => (c.realtime.port = c.server.port))).toEqual(["realtime.port"]);
    // 0.0.0.0 overlaps every address.
    expect(errorsAfter((c) => (c.health.port = c.server.port))).toEqual(["health.port"]);
    expect(
      errorsAfter((c) => {
        c.server.port = 0;
        c.realtime.port = 0;
        c.health.port = 0;
      }),
    ).toEqual([]);
    expect(
      errorsAfter((c) => {
        c.server.host = "10.0.0.5";
        c.realtime.host = "10.0.0.6";
        c.realtime.port = c.server.port;
      }),
    ).toEqual([]);
  });

  it("disabled listeners do not collide", () => {
    expect(
      errorsAfter((c) => {
        c.health.enabled = false;
        c.health.port = c.server.port;
        c.metrics.port = c.server.port;
      }),
    ).toEqual([]);
  });

  it("tcp management needs an auth token and a port other than the API's", () => {
    expect(errorsAfter((c) => (c.management.transport = "tcp"))).toEqual(["management.auth_token"]);
    expect(
      errorsAfter((c, s) => {
        c.management.transport = "tcp";
        c.management.auth_token = s["management.auth_token"] ?? "";
        c.management.port = c.server.port;
      }),
    ).toContain("management.port");
    expect(
      errorsAfter((c, s) => {
        c.management.transport = "tcp";
        c.management.auth_token = s["management.auth_token"] ?? "";
      }),
    ).toEqual([]);
  });

  it("a management socket path longer than 100 bytes is rejected", () => {
    expect(errorsAfter((c) => (c.data_dir = `/tmp/${"d".repeat(90)}`))).toEqual(["management.unix_socket_path"]);
    expect(errorsAfter((c) => (c.management.unix_socket_path = "/run/synctv.sock"))).toEqual([]);
  });

  it("metrics on a public interface need authentication", () => {
    expect(errorsAfter((c) => (c.metrics.enabled = true))).toEqual(["metrics.auth.mode"]);
    expect(
      errorsAfter((c) => {
        c.metrics.enabled = true;
        c.metrics.host = "127.0.0.1";
      }),
    ).toEqual([]);
    expect(
      errorsAfter((c) => {
        c.metrics.enabled = true;
        c.metrics.auth.mode = "bearer";
      }),
    ).toEqual(["metrics.auth.bearer_token"]);
    expect(
      errorsAfter((c, s) => {
        c.metrics.enabled = true;
        c.metrics.auth.mode = "basic";
        c.metrics.auth.basic_username = "prometheus";
        c.metrics.auth.basic_password = s["metrics.auth.basic_password"] ?? "";
      }),
    ).toEqual([]);
  });

  it("CORS origins must be bare origins and never '*'", () => {
    expect(errorsAfter((c) => (c.server.cors_allowed_origins = ["*"]))).toEqual(["server.cors_allowed_origins[0]"]);
    expect(errorsAfter((c) => (c.server.cors_allowed_origins = ["https://a.example/app"]))).toEqual([
      "server.cors_allowed_origins[0]",
    ]);
    expect(errorsAfter((c) => (c.server.cors_allowed_origins = ["https://a.example/"]))).toEqual([
      "server.cors_allowed_origins[0]",
    ]);
    expect(
      errorsAfter((c) => (c.server.cors_allowed_origins = ["https://a.example", "http://localhost:5173"])),
    ).toEqual([]);
  });

  it("server.public_url must be a bare origin", () => {
    expect(errorsAfter((c) => (c.server.public_url = "https://watch.example/path"))).toEqual(["server.public_url"]);
    expect(errorsAfter((c) => (c.server.public_url = "https://watch.example"))).toEqual([]);
  });

  it("realtime.public_url must be a ws(s) URL", () => {
    expect(errorsAfter((c) => (c.realtime.public_url = "https://watch.example/ws"))).toEqual(["realtime.public_url"]);
    expect(errorsAfter((c) => (c.realtime.public_url = "wss://watch.example/ws?x=1"))).toEqual(["realtime.public_url"]);
    expect(errorsAfter((c) => (c.realtime.public_url = "wss://watch.example:8443/prefix"))).toEqual([]);
  });

  it("trusted proxies must be IPs or CIDRs and never everything", () => {
    for (const entry of ["0.0.0.0/0", "::/0", "proxy.local", "10.0.0.0/33"]) {
      expect(
        errorsAfter((c) => (c.server.trusted_proxies = [entry])),
        entry,
      ).toEqual(["server.trusted_proxies[0]"]);
    }
    expect(errorsAfter((c) => (c.server.trusted_proxies = ["10.0.0.0/8", "192.168.1.1", "fd00::/8"]))).toEqual([]);
  });

  it("a TLS certificate needs its key and the other way round", () => {
    expect(errorsAfter((c) => (c.server.tls.cert_file = "/etc/tls/cert.pem"))).toEqual(["server.tls.key_file"]);
    expect(
      errorsAfter((c) => {
        c.server.tls.cert_file = "/etc/tls/cert.pem";
        c.server.tls.key_file = "/etc/tls/key.pem";
      }),
    ).toEqual([]);
  });

  it("cluster mode needs PostgreSQL, Redis and a cluster secret", () => {
    const missing = errorsAfter((c) => {
      c.cluster.enabled = true;
      c.cluster.secret = "";
      c.database.url = "";
    });
    expect(missing).toEqual(expect.arrayContaining(["cluster.secret", "redis.url", "database.url", "database.driver"]));
    expect(
      errorsAfter((c, s) => {
        c.cluster.enabled = true;
        c.cluster.secret = s["cluster.secret"] ?? "";
        c.redis.url = "redis://127.0.0.1:6379";
      }),
    ).toEqual([]);
  });

  it("bootstrap.create_root_user needs a root password", () => {
    expect(
      errorsAfter((c) => {
        c.bootstrap.create_root_user = true;
        c.bootstrap.root_password = "";
      }),
    ).toEqual(["bootstrap.root_password"]);
  });
});
