// The one root logger (pino) and its redaction rules (spec 05 §11, 08 §6.3). Components take child
// loggers; nothing logs secrets because these paths are censored before serialization.
import pino, { type Logger } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  level: string;
  format: "json" | "pretty";
  nodeId: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to inspect output. */
  destination?: pino.DestinationStream;
}

const SECRET_FIELDS = [
  "password",
  "newPassword",
  "new_password",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "emailToken",
  "email_token",
  "code",
  "totpCode",
  "totp_code",
  "recoveryCode",
  "recovery_code",
  "clientSecret",
  "client_secret",
  "secret",
  "apiKey",
  "api_key",
  "privateKey",
  "private_key",
  "ticket",
  "registrationRecord",
  "registration_record",
  "registrationRequest",
  "registration_request",
  "startLoginRequest",
  "start_login_request",
  "finishLoginRequest",
  "finish_login_request",
  "authToken",
  "auth_token",
];

const HEADER_FIELDS = ["authorization", "cookie", '"set-cookie"', '"x-emby-token"', '"x-cluster-secret"'];

export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  ...HEADER_FIELDS.map((h) => `req.headers.${h}`),
  ...HEADER_FIELDS.map((h) => `headers.${h}`),
  ...HEADER_FIELDS.map((h) => `res.headers.${h}`),
];

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { node_id: options.nodeId },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

/** Drop credentials and sensitive query values from a URL before it is logged. */
export function redactUrlForLog(raw: string): string {
  try {
    const url = new URL(raw, "http://placeholder.invalid");
    for (const key of ["ticket", "token", "sig", "code", "state", "targetUrl"]) {
      if (url.searchParams.has(key)) url.searchParams.set(key, "[redacted]");
    }
    if (url.password) url.password = "***";
    const text = url.toString();
    return raw.startsWith("/") ? text.replace("http://placeholder.invalid", "") : text;
  } catch {
    return "[unparseable url]";
  }
}
