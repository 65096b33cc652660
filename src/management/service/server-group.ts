// ManagementService server group (08 §4.2, §4.4): StopServer streams the node's staged shutdown,
// GetServerState and GetServiceStats describe this process.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  GetServerStateResponseSchema,
  GetServiceStatsResponseSchema,
  type ManagementService,
  ServerNodeStateSchema,
  StopServerEventSchema,
  StopServerMode,
  StopServerStage,
} from "../../../gen/synctv/management/v1/management_pb.js";
import { notFound } from "../../core/errors.js";
import { serviceCounts } from "../../core/server-info/service-counts.js";
import { countLiveAdmins } from "../../core/users/user-repository.js";
import { auditOf } from "../server/audit-interceptor.js";
import { type StopEvent, stopEvents } from "../shutdown/staged-shutdown.js";
import type { ManagementServiceDeps } from "./management-deps.js";

type Handlers = Partial<ServiceImpl<typeof ManagementService>>;

const wireStage: Record<StopEvent["stage"], StopServerStage> = {
  READY: StopServerStage.READY,
  SHUTDOWN_REQUESTED: StopServerStage.SHUTDOWN_REQUESTED,
  RUNTIME_DRAINING: StopServerStage.RUNTIME_DRAINING,
  CONNECTION_DRAINING: StopServerStage.CONNECTION_DRAINING,
  COMPONENTS_SHUTTING_DOWN: StopServerStage.COMPONENTS_SHUTTING_DOWN,
  FINALIZING: StopServerStage.FINALIZING,
  COMPLETED: StopServerStage.COMPLETED,
  FAILED: StopServerStage.FAILED,
};

export function serverHandlers(
  deps: ManagementServiceDeps,
  recordAudit: (ctx: NonNullable<ReturnType<typeof auditOf>>) => Promise<void>,
): Handlers {
  return {
    async *stopServer(req, ctx) {
      const mode = req.mode === StopServerMode.FORCE ? "FORCE" : "GRACEFUL";
      const audit = auditOf(ctx);
      // StopServer changes no rows: its row gets a transaction of its own, before the database closes.
      if (audit !== undefined) await recordAudit(audit.target("server", deps.node.nodeId).detail({ mode }));
      const events = stopEvents(deps.shutdown.stages, ctx.signal);
      deps.shutdown.start(mode);
      for await (const event of events) {
        yield create(StopServerEventSchema, {
          sequence: BigInt(event.sequence),
          stage: wireStage[event.stage],
          mode: event.mode === "FORCE" ? StopServerMode.FORCE : StopServerMode.GRACEFUL,
          message: event.message,
          terminal: event.terminal,
          unixMillis: BigInt(event.unixMillis),
        });
      }
    },

    async getServerState(req) {
      const { node, database, clock } = deps;
      if (req.target.case === "nodeId" && req.target.value !== node.nodeId) {
        throw notFound(`Node ${req.target.value} is not known (cluster mode is not enabled)`);
      }
      const now = clock.now();
      const state = create(ServerNodeStateSchema, {
        nodeId: node.nodeId,
        version: node.version,
        devMode: node.devMode,
        startedAt: BigInt(node.startedAt),
        uptimeSeconds: BigInt(Math.max(0, Math.floor((now - node.startedAt) / 1000))),
        shuttingDown: node.shuttingDown(),
        leader: true,
        databaseDriver: node.databaseDriver,
        redisConfigured: node.redisConfigured,
        noAdmin: (await countLiveAdmins(database.db)) === 0,
        listeners: node.listeners(),
      });
      return create(GetServerStateResponseSchema, { nodes: [state] });
    },

    async getServiceStats() {
      const counts = await serviceCounts(deps.database.db);
      const memory = process.memoryUsage();
      return create(GetServiceStatsResponseSchema, {
        userCount: BigInt(counts.users),
        roomCount: BigInt(counts.rooms),
        memberCount: BigInt(counts.members),
        rssBytes: BigInt(memory.rss),
        heapUsedBytes: BigInt(memory.heapUsed),
        sampledAt: BigInt(deps.clock.now()),
      });
    },
  };
}
