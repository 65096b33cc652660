// `synctv status [--node-id ID | --all-nodes]` and `synctv system stats` (08 §4.3): what the running
// server reports about itself.
import type { Command } from "commander";
import {
  GetServerStateResponseSchema,
  GetServiceStatsResponseSchema,
} from "../../../../gen/synctv/management/v1/management_pb.js";
import { printMessage } from "../remote/output.js";
import { runRemote } from "../remote/remote-command.js";

export function registerStatusCommands(program: Command): void {
  program
    .command("status")
    .description("show the running server's state")
    .option("--node-id <id>", "one node of a cluster")
    .option("--all-nodes", "every registered node")
    .action((opts: { nodeId?: string; allNodes?: boolean }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const target = opts.nodeId
          ? { case: "nodeId" as const, value: opts.nodeId }
          : opts.allNodes
            ? { case: "allNodes" as const, value: true }
            : { case: undefined };
        const res = await client.getServerState({ target });
        printMessage(format, GetServerStateResponseSchema, res, (r) =>
          r.nodes
            .map((n) =>
              [
                `node:       ${n.nodeId}`,
                `version:    ${n.version}`,
                `uptime:     ${n.uptimeSeconds}s`,
                `dev_mode:   ${n.devMode}`,
                `database:   ${n.databaseDriver}`,
                `redis:      ${n.redisConfigured ? "configured" : "in-process store"}`,
                `draining:   ${n.shuttingDown}`,
                `no_admin:   ${n.noAdmin}`,
                ...n.listeners.map((l) => `listener:   ${l.name} ${l.address}`),
              ].join("\n"),
            )
            .join("\n\n"),
        );
      }),
    );

  program
    .command("system")
    .description("service-wide information")
    .command("stats")
    .description("counts of users, rooms and members; process memory")
    .action((_opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.getServiceStats({});
        printMessage(format, GetServiceStatsResponseSchema, res, (s) =>
          [
            `users:      ${s.userCount}`,
            `rooms:      ${s.roomCount}`,
            `members:    ${s.memberCount}`,
            `rss:        ${Math.round(Number(s.rssBytes) / 1048576)} MiB`,
            `heap_used:  ${Math.round(Number(s.heapUsedBytes) / 1048576)} MiB`,
          ].join("\n"),
        );
      }),
    );
}
