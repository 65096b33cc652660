// Opening node-redis connections for the store: one place that sets timeouts, reconnection and
// error listeners, fails fast when Redis is down at start-up, and keeps passwords out of messages.

import { createClient, ErrorReply } from "redis";
import { StoreConfigError, StoreUnavailableError } from "./errors.js";
import { storeScripts } from "./redis-scripts.js";
import type { StoreErrorReporter } from "./types.js";

export interface RedisConnectionSettings {
  url: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

// After the first connection, keep retrying with a capped backoff so the store recovers alone
// when Redis returns (spec 08 §6.1); callers see rejected commands meanwhile.
function reconnectDelayMs(retries: number): number {
  return Math.min(50 * 2 ** retries, 2_000);
}

function buildClient(settings: RedisConnectionSettings) {
  return createClient({
    url: settings.url,
    scripts: storeScripts,
    // While disconnected, commands reject at once instead of queueing: rate limiting and tickets
    // must fall back or fail closed quickly, not wait out the outage.
    disableOfflineQueue: true,
    commandOptions: { timeout: settings.commandTimeoutMs },
    socket: { connectTimeout: settings.connectTimeoutMs, reconnectStrategy: reconnectDelayMs },
  });
}

export type StoreRedisClient = ReturnType<typeof buildClient>;

/** The URL without user and password, for messages and logs (spec 05 §11). */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "<unparsable redis url>";
  }
}

export function createStoreClient(settings: RedisConnectionSettings): StoreRedisClient {
  try {
    return buildClient(settings);
  } catch {
    // The parser's error carries the input (password included), so it is not kept as the cause.
    throw new StoreConfigError(`invalid Redis URL ${redactRedisUrl(settings.url)}`);
  }
}

/**
 * Connects, or rejects with a StoreUnavailableError once connectTimeoutMs has passed (node-redis
 * itself would retry forever). An 'error' listener is attached first: without one, a connection
 * error would be an uncaught 'error' event and crash the process.
 */
export async function connectStoreClient(
  client: StoreRedisClient,
  settings: RedisConnectionSettings,
  role: string,
  reportError: StoreErrorReporter,
): Promise<void> {
  let lastError: unknown;
  let connected = false;
  client.on("error", (error: unknown) => {
    lastError = error;
    if (connected) reportError(error, `redis ${role} connection`);
  });

  const connecting = client.connect();
  // When the timeout wins, destroy() makes connect() reject later; that rejection is expected.
  connecting.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), settings.connectTimeoutMs);
  });
  try {
    const outcome = await Promise.race([connecting, timedOut]);
    if (outcome === "timeout") throw lastError ?? new Error("no answer");
    connected = true;
  } catch (error) {
    client.destroy();
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreUnavailableError(
      `cannot connect to Redis at ${redactRedisUrl(settings.url)} within ${settings.connectTimeoutMs} ms ` +
        `(${role} connection): ${reason}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Closes gracefully when connected; a connection that is down is destroyed so close() never hangs. */
export async function closeStoreClient(client: StoreRedisClient): Promise<void> {
  if (!client.isOpen) return;
  if (!client.isReady) {
    client.destroy();
    return;
  }
  try {
    await client.close();
  } catch {
    client.destroy();
  }
}

// Replies that mean "Redis cannot serve now" rather than "this command is wrong".
const unavailableReply = /^(LOADING|BUSY|OOM|MASTERDOWN|READONLY|NOREPLICAS|CLUSTERDOWN|TRYAGAIN)\b/;

/** Maps node-redis failures to StoreUnavailableError; genuine command errors pass through. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (error instanceof ErrorReply && !unavailableReply.test(error.message)) return error;
  if (error instanceof TypeError || error instanceof RangeError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`Redis is unavailable: ${reason}`, { cause: error });
}
