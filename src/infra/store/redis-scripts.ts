// Lua scripts that make the multi-step operations atomic on Redis. node-redis runs them with
// EVALSHA and falls back to EVAL when the server's script cache is empty (after a restart).

import { type CommandParser, defineScript } from "redis";
import type { WindowHit } from "./types.js";

function integersOf(reply: unknown, length: number, script: string): number[] {
  if (!Array.isArray(reply) || reply.length !== length || !reply.every((item) => typeof item === "number")) {
    throw new TypeError(`unexpected reply from the ${script} script`);
  }
  return reply;
}

function integerOf(reply: unknown, script: string): number {
  if (typeof reply !== "number") throw new TypeError(`unexpected reply from the ${script} script`);
  return reply;
}

/** INCRBY, and an expiry only when the key has none, i.e. was just created (spec 05 §5.1). */
export const incrWithTtl = defineScript({
  SCRIPT: `
    local value = redis.call('INCRBY', KEYS[1], ARGV[1])
    if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
    return value`,
  NUMBER_OF_KEYS: 1,
  parseCommand(parser: CommandParser, key: string, by: number, ttlMs: number) {
    parser.pushKey(key);
    parser.push(String(by), String(ttlMs));
  },
  transformReply: (reply: unknown): number => integerOf(reply, "incr"),
});

/**
 * A fixed window kept as a hash {s: window start, c: count}. Time comes from the Redis server so
 * processes with skewed clocks still agree on the window; a denied hit writes nothing, so it does
 * not consume budget. Reply: {allowed 0|1, count, retryAfterMs, resetAtMs}.
 */
export const hitWindow = defineScript({
  SCRIPT: `
    local time = redis.call('TIME')
    local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    local windowMs = tonumber(ARGV[1])
    local limit = tonumber(ARGV[2])
    local cost = tonumber(ARGV[3])
    local start = now - (now % windowMs)
    local resetAt = start + windowMs
    local stored = redis.call('HMGET', KEYS[1], 's', 'c')
    local count = 0
    if tonumber(stored[1]) == start then count = tonumber(stored[2]) or 0 end
    if count + cost > limit then return {0, count, resetAt - now, resetAt} end
    count = count + cost
    redis.call('HSET', KEYS[1], 's', tostring(start), 'c', tostring(count))
    redis.call('PEXPIRE', KEYS[1], resetAt - now)
    return {1, count, 0, resetAt}`,
  NUMBER_OF_KEYS: 1,
  parseCommand(parser: CommandParser, key: string, windowMs: number, limit: number, cost: number) {
    parser.pushKey(key);
    parser.push(String(windowMs), String(limit), String(cost));
  },
  transformReply: (reply: unknown): WindowHit => {
    const [allowed, count, retryAfterMs, resetAtMs] = integersOf(reply, 4, "hitWindow");
    return { allowed: allowed === 1, count: count!, retryAfterMs: retryAfterMs!, resetAtMs: resetAtMs! };
  },
});

/**
 * SET NX PX with a fencing token from INCR on the never-expiring fence key (spec 08 §7.2).
 * Reply: the token, or 0 when the lease is held.
 */
export const acquireLease = defineScript({
  SCRIPT: `
    if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
    local token = redis.call('INCR', KEYS[2])
    redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
    return token`,
  NUMBER_OF_KEYS: 2,
  parseCommand(parser: CommandParser, leaseKey: string, fenceKey: string, holderId: string, ttlMs: number) {
    parser.pushKey(leaseKey);
    parser.pushKey(fenceKey);
    parser.push(holderId, String(ttlMs));
  },
  transformReply: (reply: unknown): number => integerOf(reply, "acquireLease"),
});

/** Compare-and-PEXPIRE: renews only when the stored "{holder}:{token}" is ours. Reply 1 | 0. */
export const renewLease = defineScript({
  SCRIPT: `
    if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return 1`,
  NUMBER_OF_KEYS: 1,
  parseCommand(parser: CommandParser, leaseKey: string, leaseValue: string, ttlMs: number) {
    parser.pushKey(leaseKey);
    parser.push(leaseValue, String(ttlMs));
  },
  transformReply: (reply: unknown): boolean => integerOf(reply, "renewLease") === 1,
});

/** Compare-and-DEL: resigns only when the stored "{holder}:{token}" is ours. Reply 1 | 0. */
export const releaseLease = defineScript({
  SCRIPT: `
    if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
    redis.call('DEL', KEYS[1])
    return 1`,
  NUMBER_OF_KEYS: 1,
  parseCommand(parser: CommandParser, leaseKey: string, leaseValue: string) {
    parser.pushKey(leaseKey);
    parser.push(leaseValue);
  },
  transformReply: (reply: unknown): boolean => integerOf(reply, "releaseLease") === 1,
});

/**
 * One field of an expiring map, kept in a hash as "{expiresAtMs}|{value}" on the Redis clock (per-field
 * HEXPIRE needs Redis 7.4). The key's own expiry is stretched to the longest field's.
 */
export const mapSet = defineScript({
  SCRIPT: `
    local time = redis.call('TIME')
    local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    local ttl = tonumber(ARGV[3])
    redis.call('HSET', KEYS[1], ARGV[1], string.format('%d', now + ttl) .. '|' .. ARGV[2])
    if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
    return 1`,
  NUMBER_OF_KEYS: 1,
  parseCommand(parser: CommandParser, key: string, field: string, value: string, ttlMs: number) {
    parser.pushKey(key);
    parser.push(field, value, String(ttlMs));
  },
  transformReply: (reply: unknown): number => integerOf(reply, "mapSet"),
});

/** The unexpired fields of an expiring map as a flat [field, value, …] list; expired ones are deleted. */
export const mapEntries = defineScript({
  SCRIPT: `
    local time = redis.call('TIME')
    local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    local all = redis.call('HGETALL', KEYS[1])
    local live = {}
    for i = 1, #all, 2 do
      local raw = all[i + 1]
      local sep = string.find(raw, '|', 1, true)
      local expiresAt = sep and tonumber(string.sub(raw, 1, sep - 1)) or 0
      if expiresAt > now then
        live[#live + 1] = all[i]
        live[#live + 1] = string.sub(raw, sep + 1)
      else
        redis.call('HDEL', KEYS[1], all[i])
      end
    end
    return live`,
  NUMBER_OF_KEYS: 1,
  parseCommand(parser: CommandParser, key: string) {
    parser.pushKey(key);
  },
  transformReply: (reply: unknown): Map<string, string> => {
    if (!Array.isArray(reply) || reply.length % 2 !== 0)
      throw new TypeError("unexpected reply from the mapEntries script");
    const entries = new Map<string, string>();
    for (let i = 0; i < reply.length; i += 2) entries.set(String(reply[i]), String(reply[i + 1]));
    return entries;
  },
});

export const storeScripts = { incrWithTtl, hitWindow, acquireLease, renewLease, releaseLease, mapSet, mapEntries };
export type StoreScripts = typeof storeScripts;
