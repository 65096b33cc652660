// The startup configuration schema (spec 08 §3.2): every key, type and default in one zod tree.
// Keys are snake_case exactly as in YAML; secrets are marked with `secret()` so every other list derives from here.

import { z } from "zod";

/** How a secret is checked (05 §6) and whether development mode may generate it (08 §3.5). */
export type SecretFormat =
  | "jwt" // ≥ 32 chars plus the JWT strength rules
  | "hex64" // *_encryption_key: exactly 64 hex characters
  | "opaque" // serialized @serenity-kit/opaque server setup
  | "token" // ≥ 32 chars, ≥ 2 character classes, not a placeholder
  | "password" // bootstrap root password (05 §12)
  | "url"; // connection URL with credentials: validated as a URL, always redacted

export interface SecretMeta {
  format: SecretFormat;
  /** Development mode may generate this secret when it is missing (08 §3.5). */
  devGenerated: boolean;
}

/** Registry of the schema nodes that hold secrets; the leaf walker reads it. */
export const secretRegistry = z.registry<SecretMeta>();

/** A secret string leaf (default empty). Every secret also accepts `<key>_file` / `SYNCTV_<PATH>_FILE`. */
export function secret(format: SecretFormat, options: { devGenerated?: boolean } = {}) {
  const schema = z.string().default("");
  secretRegistry.add(schema, { format, devGenerated: options.devGenerated ?? false });
  return schema;
}

// zod 4's `.default({})` returns the default without parsing it; `.prefault({})` parses it, so nested defaults apply.
// Every key of a section has a default, so `{}` is a valid input; the generic signature cannot see that.
const section = <T extends z.ZodRawShape>(shape: T) => {
  const object = z.object(shape);
  return object.prefault({} as z.input<typeof object>);
};

const port = (value: number) => z.number().int().min(0).max(65535).default(value);
const positiveInt = (value: number) => z.number().int().positive().default(value);
const nonNegativeInt = (value: number) => z.number().int().min(0).default(value);
const text = (value = "") => z.string().default(value);
const flag = (value: boolean) => z.boolean().default(value);
const choice = <const T extends readonly [string, ...string[]]>(values: T, value: T[number]) =>
  z.enum(values).default(value);

const logLevels = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

const rateLimitScope = z
  .object({
    max_requests: z.number().int().min(0).optional(),
    window_seconds: z.number().int().positive().optional(),
    strategy: z.enum(["fixed_window", "disabled"]).optional(),
  })
  .strict();

const providerOverride = z
  .object({
    request_timeout_seconds: z.number().int().positive().optional(),
    connect_timeout_seconds: z.number().int().positive().optional(),
  })
  .strict();

export const configSchema = z.object({
  data_dir: text(),
  allow_dev_secrets: flag(false),
  server: section({
    host: text("0.0.0.0"),
    port: port(8080),
    public_url: text(),
    enable_reflection: flag(true),
    trusted_proxies: z.array(z.string()).default([]),
    cors_allowed_origins: z.array(z.string()).default([]),
    max_message_bytes: positiveInt(16_777_216),
    shutdown_drain_timeout_seconds: nonNegativeInt(30),
    tls: section({ cert_file: text(), key_file: text() }),
  }),
  realtime: section({
    host: text("0.0.0.0"),
    port: port(8082),
    public_url: text(),
    // How long a closed connection's presence is held for a `?resume=` reconnect (03 §2.3).
    resume_window_ms: positiveInt(30_000),
  }),
  connection_limits: section({
    per_actor: positiveInt(20),
    per_room: positiveInt(2000),
    per_node: positiveInt(100_000),
    idle_timeout_seconds: positiveInt(300),
    max_lifetime_seconds: positiveInt(86_400),
    messages_per_second: positiveInt(50),
    max_frame_bytes: positiveInt(65_536),
  }),
  health: section({ enabled: flag(true), host: text("127.0.0.1"), port: port(8081) }),
  metrics: section({
    enabled: flag(false),
    host: text("0.0.0.0"),
    port: port(9090),
    auth: section({
      mode: choice(["none", "bearer", "basic"], "none"),
      bearer_token: secret("token"),
      basic_username: text(),
      basic_password: secret("token"),
    }),
  }),
  telemetry: section({
    service_name: text("synctv"),
    traces: section({
      exporter: choice(["none", "otlp", "console"], "none"),
      endpoint: text(),
      sample_ratio: z.number().min(0).max(1).default(1.0),
    }),
  }),
  logging: section({
    level: choice(logLevels, "info"),
    format: choice(["json", "pretty"], "json"),
    output: choice(["stdout", "stderr", "file"], "stdout"),
    file: section({
      path: text("logs/synctv.log"),
      rotate: choice(["daily", "hourly", "never"], "daily"),
      max_files: positiveInt(30),
    }),
    components: z.record(z.string(), z.enum(logLevels)).default({}),
  }),
  management: section({
    enabled: flag(true),
    transport: choice(["unix", "tcp"], "unix"),
    unix_socket_path: text("run/synctv.sock"),
    port: port(50052),
    auth_token: secret("token"),
    enable_reflection: flag(false),
  }),
  database: section({
    driver: choice(["auto", "postgres", "pglite"], "auto"),
    url: secret("url"),
    pglite_dir: text("pglite"),
    max_connections: positiveInt(20),
    connect_timeout_seconds: positiveInt(10),
    idle_timeout_seconds: positiveInt(600),
    statement_timeout_seconds: positiveInt(30),
  }),
  redis: section({
    url: secret("url"),
    key_prefix: text("synctv:"),
    connect_timeout_seconds: positiveInt(5),
    command_timeout_seconds: positiveInt(5),
  }),
  request_rate_limits: section({
    categories: section({
      auth: nonNegativeInt(5),
      write: nonNegativeInt(120),
      read: nonNegativeInt(600),
      media: nonNegativeInt(120),
      admin: nonNegativeInt(180),
      streaming: nonNegativeInt(1200),
      websocket: nonNegativeInt(60),
      refresh: section({ per_family: nonNegativeInt(30), per_ip: nonNegativeInt(120) }),
      guest: nonNegativeInt(30),
    }),
    scopes: z.record(z.string(), rateLimitScope).default({}),
  }),
  messaging_rate_limits: section({ chat_messages_per_second: positiveInt(10) }),
  password_complexity: section({
    min_length: positiveInt(8),
    max_length: positiveInt(128),
    require_upper: flag(true),
    require_lower: flag(true),
    require_digit: flag(true),
    require_special: flag(false),
    max_repeated_chars: nonNegativeInt(3),
    zxcvbn_enabled: flag(false),
    zxcvbn_min_score: z.number().int().min(0).max(4).default(3),
  }),
  jwt: section({
    secret: secret("jwt", { devGenerated: true }),
    access_ttl_seconds: positiveInt(3600),
    refresh_ttl_seconds: positiveInt(2_592_000),
    guest_ttl_seconds: positiveInt(14_400),
    leeway_seconds: nonNegativeInt(60),
    issuer: text(),
    audience: text(),
  }),
  security: section({
    // Dev mode generates the OPAQUE setup in dev-secrets.ts (only @serenity-kit/opaque can make a
    // loadable one), so it is not marked devGenerated like the plain random keys.
    opaque_server_setup_secret: secret("opaque"),
    credential_encryption_key: secret("hex64", { devGenerated: true }),
    totp_encryption_key: secret("hex64", { devGenerated: true }),
    email_outbox_encryption_key: secret("hex64", { devGenerated: true }),
    provider_session_encryption_key: secret("hex64", { devGenerated: true }),
    proxy_signing_key: secret("token", { devGenerated: true }),
    media_swarm_signing_key: secret("token", { devGenerated: true }),
    login_discovery_key: secret("token", { devGenerated: true }),
    webauthn_enumeration_key: secret("token", { devGenerated: true }),
    ssrf: section({
      enabled: flag(false),
      allow_private_network_targets: flag(false),
      allowed_hosts: z.array(z.string()).default([]),
      allowed_ip_ranges: z.array(z.string()).default([]),
      allowed_ports: z.array(z.number().int().min(1).max(65535)).default([80, 443, 8080, 8443]),
    }),
  }),
  webauthn: section({
    enabled: flag(false),
    rp_id: text(),
    rp_origin: text(),
    rp_name: text("SyncTV"),
    timeout_seconds: positiveInt(300),
  }),
  bootstrap: section({
    create_root_user: flag(false),
    root_username: text("root"),
    root_password: secret("password"),
  }),
  // Per-provider overrides (`media_providers.<p>.request_timeout_seconds`, 07 §7) come from YAML only:
  // provider names are open-ended, so no env variable can be generated for them.
  media_providers: z
    .object({
      request_timeout_seconds: positiveInt(30),
      connect_timeout_seconds: positiveInt(10),
    })
    .catchall(providerOverride)
    .prefault({}),
  proxy_slice_cache: section({
    enabled: flag(true),
    slice_size_bytes: positiveInt(2 * 1024 * 1024),
    max_cache_size_bytes: positiveInt(512 * 1024 * 1024),
    segment_ttl_seconds: positiveInt(300),
    stale_max_age_seconds: nonNegativeInt(60),
    stale_while_revalidate: flag(true),
    backend: choice(["memory", "file"], "memory"),
    file_cache_dir: text("cache/proxy-slice"),
    eviction_interval_seconds: positiveInt(60),
    watermark_ratio: z.number().gt(0).max(1).default(0.875),
  }),
  livestream: section({
    enabled: flag(false),
    rtmp_port: port(1935),
    public_rtmp_host: text(),
    hls_segment_seconds: positiveInt(4),
    hls_storage: section({
      type: choice(["memory", "file"], "memory"),
      memory_max_mb: positiveInt(512),
      path: text("livestream/hls"),
    }),
  }),
  file_storage: section({
    backend: choice(["database"], "database"),
    upload_token_secret: secret("token", { devGenerated: true }),
    unreferenced_object_retention_seconds: positiveInt(86_400),
  }),
  cluster: section({
    enabled: flag(false),
    node_id: text(),
    host: text("0.0.0.0"),
    port: port(50051),
    advertise_address: text(),
    secret: secret("token"),
    heartbeat_seconds: positiveInt(10),
    node_ttl_seconds: positiveInt(30),
    leader_lease_seconds: positiveInt(20),
    catchup_window_secs: positiveInt(300),
    stream_max_length: positiveInt(10_000),
  }),
});

export type Config = z.output<typeof configSchema>;

/** The built-in defaults (layer 1). */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
