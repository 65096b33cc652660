// Composition root: config → infra (logger, database, store, settings) → core → transports
// (API port, health listener). `startNode` is what `synctv serve` runs and what end-to-end tests
// start on ephemeral ports; it never touches process-wide state such as signals.
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { buildApiServer } from "./api/api-server.js";
import { bearerAuthenticator } from "./api/bearer-authenticator.js";
import { apiRoutes } from "./api/routes.js";
import { assembleAuth } from "./auth-assembly.js";
import { insertAuditEntries } from "./core/audit/audit-log-writer.js";
import { withAuditedTransactions } from "./core/audit/audited-database.js";
import { RejectedAuditQueue } from "./core/audit/rejected-audit-queue.js";
import { PlaybackWorkers } from "./core/playback/workers/playback-workers.js";
import { WebSocketTickets } from "./core/realtime/websocket-tickets.js";
import { type ConnectionRuntime, LocalConnectionRegistry } from "./core/realtime-runtime/connection-runtime.js";
import { RoomDirectory } from "./core/rooms/discovery/room-directory.js";
import { SettingsSnapshot } from "./core/settings/settings-snapshot.js";
import { AccountDeletion } from "./core/users/account-deletion.js";
import { bootstrapRoot } from "./core/users/root-bootstrap.js";
import { UserAdministration } from "./core/users/user-administration.js";
import { UserProfiles } from "./core/users/user-profiles.js";
import { type Clock, systemClock } from "./infra/clock.js";
import { recordDevRootPassword } from "./infra/config/dev-secrets.js";
import type { Config, LoadedConfig } from "./infra/config/load.js";
import { resolveDataPath } from "./infra/config/load.js";
import { KNOWN_PUBLIC_SECRET_VALUES } from "./infra/config/secret-rules.js";
import { ensureAuditPartitions } from "./infra/db/audit/audit-partitions.js";
import { type Database, openDatabase } from "./infra/db/database.js";
import { ensureChatMessagePartitions } from "./infra/db/partitions/chat-message-partitions.js";
import { ensureHistoryPartitions } from "./infra/db/partitions/playback-history-partitions.js";
import { createHealthServer, type HealthServer } from "./infra/health/health-server.js";
import { createReadiness } from "./infra/health/readiness.js";
import { createLogger, type Logger } from "./infra/logging/logger.js";
import { cryptoRandom } from "./infra/random.js";
import { createMemoryStore, openStore } from "./infra/store/index.js";
import type { ShortLivedStore } from "./infra/store/types.js";
import type { ManagementListener } from "./management/server/management-listener.js";
import { startManagementServer } from "./management/server/management-server.js";
import { StagedShutdown, type StopMode, type StopOutcome } from "./management/shutdown/staged-shutdown.js";
import { createHttpProbeClient } from "./media/probe/index.js";
import { assembleRoomEventDelivery } from "./realtime/delivery/room-event-delivery.js";
import { createRoomObservations } from "./realtime/observation/index.js";
import { assemblePresence } from "./realtime/presence/presence-assembly.js";
import { startRealtimeListener } from "./realtime/realtime-assembly.js";
import { assembleRooms } from "./rooms-assembly.js";
import { VERSION } from "./version.js";

export interface NodeOptions {
  loaded: LoadedConfig;
  log?: Logger;
  clock?: Clock;
  /** Tests inject a prepared database and store; the node then neither opens nor closes them. */
  database?: Database;
  store?: ShortLivedStore;
}

export interface RunningNode {
  nodeId: string;
  api: AddressInfo;
  /** The realtime (WebSocket) listener. */
  realtime: AddressInfo;
  /** Rooms with realtime connections on this node: what the playback workers schedule. */
  connections: ConnectionRuntime;
  health: AddressInfo | null;
  log: Logger;
  /** The management socket path or 127.0.0.1:port; null when management is disabled. */
  management: string | null;
  /**
   * This node's outbox dispatcher. Stopping it leaves this node's committed events for the other nodes'
   * dispatchers (tests use it to stand for a node that died between commit and publish).
   */
  outbox: { stop(): Promise<void> };
  /** The staged shutdown (08 §4.4): readiness 503, drain, components, database. FORCE skips waits. */
  stop(options?: { force?: boolean }): Promise<void>;
  /** Resolves once a stop (signal, StopServer or `stop()`) has finished and every listener is closed. */
  stopped: Promise<StopOutcome>;
}

export async function startNode(options: NodeOptions): Promise<RunningNode> {
  const { config, devMode, generatedSecrets } = options.loaded;
  const clock = options.clock ?? systemClock;
  const nodeId = config.cluster.node_id || `${hostname()}-${process.pid}`;
  const log = options.log ?? createLogger({ level: config.logging.level, format: config.logging.format, nodeId });

  if (devMode) {
    log.warn(
      { generated_secrets: generatedSecrets, file: resolveDataPath(config, "secrets/dev-secrets.json") },
      "DEVELOPMENT MODE: generated secrets are in use. They are NOT for production; set real secrets (see README).",
    );
  }

  const cleanups: (() => Promise<void>)[] = [];
  // The database closes last, in its own stage (FINALIZING), after the audit queue is flushed.
  let closeDatabase = async () => {};
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => log.error({ err }, "shutdown step failed"));
    }
  };

  try {
    const plainDatabase = options.database ?? (await openConfiguredDatabase(config, log));
    if (!options.database) closeDatabase = () => plainDatabase.close();
    await plainDatabase.migrate();
    // Audited calls (management) get their audit row inside the transaction of their change.
    const database = withAuditedTransactions(plainDatabase);
    await ensureAuditPartitions(plainDatabase.db, clock.now());
    // Every node creates the current and next daily history partitions before serving (06 §4.6).
    await ensureHistoryPartitions(plainDatabase.db, clock.now(), 1);
    await ensureChatMessagePartitions(plainDatabase.db, clock.now(), 1);
    const rejectedAudit = new RejectedAuditQueue({
      write: (entries) => insertAuditEntries(plainDatabase.db, entries),
      onDropped: (entry, reason, err) => log.error({ err, entry, reason }, "AUDIT_WRITE_FAILED"),
    });

    const store =
      options.store ??
      (await openStore(
        {
          url: config.redis.url,
          keyPrefix: config.redis.key_prefix,
          connectTimeoutSeconds: config.redis.connect_timeout_seconds,
          commandTimeoutSeconds: config.redis.command_timeout_seconds,
        },
        clock,
      ));
    if (!options.store) cleanups.push(() => store.close());

    // Limits live in the shared store; a single node falls back to process memory if Redis fails
    // (spec 05 §5.2), while cluster mode fails closed.
    const fallbackStore =
      store.kind === "memory" ? store : createMemoryStore({ clock, keyPrefix: config.redis.key_prefix });
    if (fallbackStore !== store) cleanups.push(() => fallbackStore.close());
    const onFallback = (category: string) =>
      log.warn({ category }, "shared store unavailable: using in-process limits on this node");

    const settings = await SettingsSnapshot.open(database, log.child({ component: "settings" }));
    const auth = await assembleAuth({ config, database, store, fallbackStore, settings, clock, log, onFallback });
    cleanups.push(() => auth.opaque.close());
    // Presence and resume (03 §2.3) on the shared store, client-report RTTs for the start lead (03 §3.3).
    const presence = await assemblePresence({
      nodeId,
      store,
      database,
      resumeWindowMs: config.realtime.resume_window_ms,
      clock,
      log: log.child({ component: "presence" }),
    });
    cleanups.push(() => presence.close());
    const rooms = assembleRooms({
      config,
      database,
      settings,
      clock,
      log,
      auth,
      stores: { store, fallback: fallbackStore, onFallback },
      presence: { reader: presence.tracker, leadMs: presence.leadMs },
    });
    // Playback workers serve the rooms with a connection on this node (seed rule); the realtime
    // listener will register connections here.
    const connections = new LocalConnectionRegistry();
    const workers = new PlaybackWorkers({
      database,
      runtime: connections,
      transitions: rooms.playback.transitions,
      settings,
      // The SSRF guard is off by default for self-hosting (05 §9); the guarded resolver lands with it.
      probeFetcher: createHttpProbeClient({ checkTarget: () => true }),
      clock,
      log: log.child({ component: "playback-workers" }),
    });
    workers.start();
    cleanups.push(() => workers.stop());
    // Room event delivery (06 §4.5): after-commit fast path + outbox dispatcher → bus → local hub.
    const roomEvents = await assembleRoomEventDelivery({
      nodeId,
      database: plainDatabase,
      store,
      writer: rooms.writer,
      clock,
      log: log.child({ component: "room-events" }),
    });
    cleanups.push(() => roomEvents.close());
    await roomEvents.dispatcher.start();
    const bootstrap = await bootstrapRoot({
      database,
      opaque: auth.opaque,
      log,
      bootstrap: config.bootstrap,
      devMode,
      knownPublicValues: KNOWN_PUBLIC_SECRET_VALUES,
      persistDevRootPassword: (password) => recordDevRootPassword(config, "root", password),
      announceOnce: (text) => process.stderr.write(text),
    });
    if (bootstrap === "no_admin") {
      const complain = () =>
        log.error("no administrator exists: create one with `synctv user create NAME --role root`");
      complain();
      const timer = setInterval(complain, 10 * 60_000);
      timer.unref();
      cleanups.push(async () => clearInterval(timer));
    }
    cleanups.push(() => settings.close());

    // Realtime (03 §1): single-use tickets and the uWebSockets.js listener, registering connections above.
    const tickets = new WebSocketTickets({ store, random: cryptoRandom });
    // Observation (03 §2): one handler over the room hub, shared by the WebSocket and the API streams.
    const observations = createRoomObservations({
      hub: roomEvents.hub,
      database,
      access: rooms.access,
      ids: auth.ids,
      clock,
      rooms,
      presence: presence.tracker,
      log: log.child({ component: "observations" }),
    });
    const realtime = await startRealtimeListener({
      config,
      auth,
      rooms,
      tickets,
      registry: connections,
      observations,
      presence: presence.connections,
      clock,
      log: log.child({ component: "realtime" }),
    });
    cleanups.push(() => realtime.server.close());

    let draining = false;
    let stopServing!: () => void;
    const servingStopped = new Promise<void>((resolve) => {
      stopServing = resolve;
    });

    const api = await buildApiServer({
      host: config.server.host,
      port: config.server.port,
      tls: await readTls(config),
      corsAllowedOrigins: config.server.cors_allowed_origins,
      trustedProxies: config.server.trusted_proxies,
      maxMessageBytes: config.server.max_message_bytes,
      log,
      clock,
      authenticator: bearerAuthenticator(auth.verifier),
      rateLimiter: auth.limiter,
      routes: apiRoutes({
        public: {
          clock,
          settings,
          identity: {
            serverId: nodeId,
            version: VERSION,
            devMode,
            realtimePublicUrl: config.realtime.public_url,
            realtimePort: config.realtime.port,
            features: [],
            enabledProviders: ["direct_url"],
          },
        },
        auth: auth.api,
        user: { profiles: new UserProfiles(database), ids: auth.ids },
        rooms: {
          lifecycle: rooms.lifecycle,
          membership: rooms.membership,
          ids: auth.ids,
          playback: rooms.playback,
          library: rooms.library,
          chat: rooms.chat,
        },
        realtime: {
          tickets,
          access: rooms.access,
          ids: auth.ids,
          webSocketUrl: realtime.webSocketUrl,
          // MessageStream and Watch* run on the WebSocket's observation and command handlers.
          streams: realtime.streams,
        },
        serving: { isServing: () => !draining, stopped: servingStopped },
        enableReflection: config.server.enable_reflection,
      }),
    });
    const apiAddress = await api.listen();
    const drainMs = config.server.shutdown_drain_timeout_seconds * 1000;
    let apiClosed = false;
    const closeApi = async (force: boolean) => {
      if (apiClosed) return;
      apiClosed = true;
      await api.close(force ? 0 : drainMs);
    };
    cleanups.push(() => closeApi(true));

    let healthAddress: AddressInfo | null = null;
    let health: HealthServer | undefined;
    if (config.health.enabled) {
      health = createHealthServer(
        createReadiness({
          nodeId,
          version: VERSION,
          devMode,
          clock,
          probes: {
            database: async () => ({
              driver: database.driver,
              latencyMs: await database.ping(),
              pendingMigrations: (await database.migrationStatus()).pending.length,
            }),
            redis: store.kind === "redis" ? () => store.ping() : undefined,
            listening: () => ({ api: !draining, realtime: !draining }),
            draining: () => draining,
          },
        }),
      );
      healthAddress = await health.listen(config.health.host, config.health.port);
    }

    // The same stages for SIGTERM/SIGINT, StopServer and tests (08 §4.4).
    const shutdown = new StagedShutdown(
      {
        requestShutdown: () => {
          draining = true;
          stopServing();
        },
        // Worker ticks and outbox claiming stop here; a row left unclaimed stays pending for other nodes.
        drainRuntime: async () => {
          await Promise.all([workers.stop(), roomEvents.dispatcher.stop()]);
        },
        // WebSocket clients get termination{SERVER_SHUTTING_DOWN}, then close 1012, alongside the API drain.
        drainConnections: async (forced) => {
          await Promise.all([realtime.server.drain(forced() ? 0 : drainMs), closeApi(forced())]);
        },
        shutDownComponents: async () => {
          await rejectedAudit.close();
          await closeAll();
        },
        finalize: () => closeDatabase(),
        onForce: () => {
          void api.close(0);
          void realtime.server.close();
        },
      },
      clock,
      log,
    );
    let management: ManagementListener | null = null;
    let stopped: Promise<StopOutcome> | undefined;
    const requestStop = (mode: StopMode): Promise<StopOutcome> => {
      const run = shutdown.run(mode);
      // The terminal event goes out over the management socket first; then it closes and is removed.
      stopped ??= run.then(async (outcome) => {
        await management?.close();
        await health?.close();
        return outcome;
      });
      return stopped;
    };
    let stoppedResolve!: (outcome: StopOutcome) => void;
    const stoppedSignal = new Promise<StopOutcome>((resolve) => {
      stoppedResolve = resolve;
    });
    const startStop = (mode: StopMode) => requestStop(mode).then(stoppedResolve);

    if (config.management.enabled) {
      const startedAt = clock.now();
      management = await startManagementServer({
        endpoint:
          config.management.transport === "tcp"
            ? { transport: "tcp", port: config.management.port }
            : { transport: "unix", socketPath: resolveDataPath(config, config.management.unix_socket_path) },
        authToken: config.management.auth_token,
        enableReflection: config.management.enable_reflection,
        log,
        audit: { database: plainDatabase, rejected: rejectedAudit },
        serving: { isServing: () => !draining, stopped: servingStopped },
        service: {
          database,
          ids: auth.ids,
          clock,
          users: new UserAdministration({
            database,
            opaque: auth.opaque,
            passwordPolicy: config.password_complexity,
            clock,
          }),
          accounts: new AccountDeletion({ database, writer: rooms.writer, clock }),
          rooms: rooms.lifecycle,
          directory: new RoomDirectory({ database, settings, clock }),
          membership: rooms.membership,
          playback: rooms.playback,
          library: rooms.library,
          node: {
            nodeId,
            version: VERSION,
            devMode,
            startedAt,
            databaseDriver: database.driver,
            redisConfigured: store.kind === "redis",
            listeners: () => [
              { name: "api", address: describe(apiAddress) },
              { name: "realtime", address: describe(realtime.address) },
              ...(healthAddress ? [{ name: "health", address: describe(healthAddress) }] : []),
              ...(management ? [{ name: "management", address: management.address }] : []),
            ],
            shuttingDown: () => draining,
          },
          shutdown: { stages: shutdown, start: (mode) => void startStop(mode) },
        },
      });
    }

    log.info(
      {
        api: describe(apiAddress),
        realtime: describe(realtime.address),
        health: healthAddress && describe(healthAddress),
        management: management?.address ?? null,
        database: database.driver,
      },
      "SyncTV is serving",
    );

    return {
      nodeId,
      api: apiAddress,
      realtime: realtime.address,
      connections,
      outbox: { stop: () => roomEvents.dispatcher.stop() },
      health: healthAddress,
      management: management?.address ?? null,
      log,
      async stop(stopOptions = {}) {
        await startStop(stopOptions.force === true ? "FORCE" : "GRACEFUL");
      },
      stopped: stoppedSignal,
    };
  } catch (err) {
    await closeAll();
    await closeDatabase();
    throw err;
  }
}

async function openConfiguredDatabase(config: Config, log: Logger): Promise<Database> {
  const embedded = config.database.url === "";
  const database = await openDatabase({
    url: config.database.url,
    pgliteDir: embedded ? resolveDataPath(config, config.database.pglite_dir) : null,
    maxConnections: config.database.max_connections,
    connectTimeoutSeconds: config.database.connect_timeout_seconds,
    idleTimeoutSeconds: config.database.idle_timeout_seconds,
    statementTimeoutSeconds: config.database.statement_timeout_seconds,
    applicationName: "synctv",
  });
  log.info({ driver: database.driver }, embedded ? "embedded PGlite database opened" : "PostgreSQL connected");
  return database;
}

async function readTls(config: Config) {
  const { cert_file, key_file } = config.server.tls;
  if (!cert_file || !key_file) return undefined;
  return { cert: await readFile(cert_file), key: await readFile(key_file) };
}

function describe(a: AddressInfo): string {
  return a.family === "IPv6" ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}
