// The server side of the realtime benchmarks: `synctv serve` (child process, bench profile) on a
// fresh PostgreSQL database, plus cheap distinct actors. Signing thousands of users up through
// OPAQUE/argon2 would take minutes, so users, their room memberships and a playing media item are
// inserted directly (the test builders' row shapes) and access tokens are minted in this process
// by the core TokenCodec with the server's own JWT secret — the verifier then checks each one
// against PostgreSQL exactly as it does for a real login (signature, user row, password version).
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import postgres from "postgres";
import { TokenCodec } from "../../src/core/auth/tokens/token-codec.js";
import { PublicIdCodec } from "../../src/core/ids/public-id-codec.js";
import { systemClock } from "../../src/infra/clock.js";
import { type LoadedConfig, loadConfig } from "../../src/infra/config/load.js";
import { type Database, openDatabase } from "../../src/infra/db/database.js";
import {
  authPasswordCredentials,
  RoomMemberRole,
  roomMembers,
  roomMemberVersions,
  SignupMethod,
  UserRole,
  userPreferences,
  users,
} from "../../src/infra/db/schema/index.js";
import { cryptoRandom } from "../../src/infra/random.js";
import { dummyOpaqueCredential, insertMedia, insertRoom, setPlaying } from "../../test/support/fixtures/index.js";
import { freePort } from "./free-port.js";
import { freshDataDir, type RunningSynctv, removeDataDir, startSynctv } from "./synctv-process.js";

/** Where bench databases are created; the database named in the URL is only used to CREATE/DROP. */
export const BENCH_POSTGRES_ADMIN_URL =
  process.env["SYNCTV_BENCH_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchActor {
  userId: number;
  token: string;
}

export interface BenchRoom {
  id: number;
  publicId: string;
}

export interface RealtimeBenchServer {
  synctv: RunningSynctv;
  realtimePort: number;
  /** The server's pid: its memory is what bench/connections measures. */
  pid: number;
  database: Database;
  ids: PublicIdCodec;
  /** Inserts `count` users with an access token each. */
  createUsers(count: number): Promise<BenchActor[]>;
  /** A live public room created by `owner`, with `members` as plain members. */
  createRoom(owner: BenchActor, members: readonly BenchActor[]): Promise<BenchRoom>;
  /** Puts a media item into the room's playlist and makes it the playing source. */
  startPlaying(room: BenchRoom, owner: BenchActor): Promise<void>;
  stop(): Promise<void>;
}

export interface RealtimeBenchOptions {
  /** Extra SYNCTV_* settings (the bench profile is always applied). */
  env?: Record<string, string>;
  /** Extra NODE_OPTIONS for the server process (e.g. the memory probe). */
  nodeOptions?: string;
  logLevel?: string;
}

export async function startRealtimeBenchServer(options: RealtimeBenchOptions = {}): Promise<RealtimeBenchServer> {
  const databaseName = `synctv_bench_${randomBytes(5).toString("hex")}`;
  const admin = postgres(BENCH_POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${databaseName}`);
  await admin.end({ timeout: 5 });
  const databaseUrl = withDatabase(BENCH_POSTGRES_ADMIN_URL, databaseName);
  const dataDir = await freshDataDir();
  const realtimePort = await freePort();
  const env: Record<string, string> = {
    SYNCTV_DATABASE_DRIVER: "postgres",
    SYNCTV_DATABASE_URL: databaseUrl,
    SYNCTV_DATABASE_MAX_CONNECTIONS: "40",
    // Dev secrets on PostgreSQL: the bench reads the JWT secret and the id key from the same file.
    SYNCTV_ALLOW_DEV_SECRETS: "true",
    SYNCTV_REALTIME_PORT: String(realtimePort),
    ...options.env,
  };
  // Writes <data_dir>/secrets/dev-secrets.json before the server starts, so both use the same secrets.
  const loaded = await loadConfig({
    dotenv: false,
    dataDir,
    env: { HOME: process.env["HOME"], ...env },
    materializeDevSecrets: true,
  });
  const synctv = await startSynctv({
    dataDir,
    logLevel: options.logLevel ?? "warn",
    env: {
      ...env,
      ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}),
    },
  });
  const database = await openDatabase({ url: databaseUrl, pgliteDir: null, maxConnections: 4 });
  const ids = new PublicIdCodec(loaded.config.security.credential_encryption_key);
  const tokens = tokenCodecOf(loaded);
  const pid = synctv.process.child.pid ?? 0;

  return {
    synctv,
    realtimePort,
    pid,
    database,
    ids,
    async createUsers(count) {
      const created: BenchActor[] = [];
      const tag = randomBytes(3).toString("hex");
      for (let start = 0; start < count; start += 1000) {
        const batch = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
          username: `bench_${tag}_${start + i}`,
          signupMethod: SignupMethod.admin,
          role: UserRole.user,
        }));
        const rows = await database.db.insert(users).values(batch).returning({ id: users.id });
        await database.db.insert(userPreferences).values(rows.map((r) => ({ userId: r.id })));
        await database.db
          .insert(authPasswordCredentials)
          .values(rows.map((r) => ({ userId: r.id, ...dummyOpaqueCredential() })));
        for (const row of rows) {
          const issued = await tokens.issueAccess({
            userPublicId: ids.encode("usr", row.id),
            sid: `bench${row.id}`,
            pv: 1,
            cbm: "password",
          });
          created.push({ userId: row.id, token: issued.token });
        }
      }
      return created;
    },
    async createRoom(owner, members) {
      const room = await insertRoom(database.db, { createdBy: owner.userId });
      const others = members.filter((m) => m.userId !== owner.userId);
      for (let start = 0; start < others.length; start += 1000) {
        const batch = others.slice(start, start + 1000);
        await database.db.insert(roomMembers).values(
          batch.map((m) => ({
            roomId: room.id,
            userId: m.userId,
            role: RoomMemberRole.member,
            lastVisitedAt: new Date(),
            visitCount: 1,
          })),
        );
        await database.db
          .insert(roomMemberVersions)
          .values(batch.map((m) => ({ roomId: room.id, userId: m.userId, isMember: true })));
      }
      return { id: room.id, publicId: ids.encode("room", room.id) };
    },
    async startPlaying(room, owner) {
      const item = await insertMedia(database.db, { roomId: room.id, creatorId: owner.userId });
      await setPlaying(database.db, room.id, item.id, { isPlaying: true, position: 0 });
    },
    async stop() {
      await database.close();
      const code = await synctv.stop();
      if (code !== 0 && code !== null) process.stderr.write(`[bench] synctv exited with ${code}\n`);
      await removeDataDir(dataDir);
      const cleanup = postgres(BENCH_POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      } finally {
        await cleanup.end({ timeout: 5 });
      }
    },
  };
}

function tokenCodecOf(loaded: LoadedConfig): TokenCodec {
  const jwt = loaded.config.jwt;
  return new TokenCodec({
    secret: jwt.secret,
    issuer: jwt.issuer,
    audience: jwt.audience,
    accessTtlSeconds: jwt.access_ttl_seconds,
    refreshTtlSeconds: jwt.refresh_ttl_seconds,
    guestTtlSeconds: jwt.guest_ttl_seconds,
    leewaySeconds: jwt.leeway_seconds,
    clock: systemClock,
    random: cryptoRandom,
  });
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Reads the last {"memory_probe":…} line a process printed after SIGUSR2 (memory-probe.mjs). */
export async function probeMemory(
  pid: number,
  lines: readonly { stream: string; text: string }[],
): Promise<MemoryFigures> {
  const before = lines.length;
  process.kill(pid, "SIGUSR2");
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    for (let i = lines.length - 1; i >= before; i -= 1) {
      const text = lines[i]?.text ?? "";
      if (text.startsWith('{"memory_probe"')) return (JSON.parse(text) as { memory_probe: MemoryFigures }).memory_probe;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const tail = lines
    .slice(-10)
    .map((l) => l.text)
    .join("\n");
  throw new Error(`process ${pid} printed no memory probe within 60 s; last lines:\n${tail}`);
}

export interface MemoryFigures {
  rss: number;
  heap_used: number;
  heap_total: number;
  external: number;
  array_buffers: number;
}

/** NODE_OPTIONS that load the memory probe (and expose gc so it can collect first). */
export const MEMORY_PROBE_NODE_OPTIONS = `--expose-gc --import=${join(import.meta.dirname, "memory-probe.mjs")}`;
