// The bench profile (spec 09): the server's own limits must not be what a benchmark measures, so
// rate limits and per-actor/per-room connection caps are raised far above any load we generate.
// Expressed as SYNCTV_* variables (leaf a.b_c → SYNCTV_A_B_C) so no config file is needed.

const UNLIMITED = "1000000";

export const benchProfileEnv: Readonly<Record<string, string>> = {
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_AUTH: UNLIMITED,
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WRITE: UNLIMITED,
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_READ: UNLIMITED,
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_MEDIA: UNLIMITED,
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_ADMIN: UNLIMITED,
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_STREAMING: UNLIMITED,
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WEBSOCKET: UNLIMITED,
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_REFRESH_PER_FAMILY: UNLIMITED,
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_REFRESH_PER_IP: UNLIMITED,
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_GUEST: UNLIMITED,
  SYNCTV_MESSAGING_RATE_LIMITS_CHAT_MESSAGES_PER_SECOND: UNLIMITED,
  SYNCTV_CONNECTION_LIMITS_PER_ACTOR: UNLIMITED,
  SYNCTV_CONNECTION_LIMITS_PER_ROOM: UNLIMITED,
  SYNCTV_CONNECTION_LIMITS_MESSAGES_PER_SECOND: UNLIMITED,
};

/** The parent's environment minus every SYNCTV_* variable, so a developer's shell cannot skew a run. */
export function cleanEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("SYNCTV_")) env[key] = value;
  return { ...env, ...extra };
}
