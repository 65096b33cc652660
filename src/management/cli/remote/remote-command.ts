// Runs a command against the management service: loads the config (for the derived endpoint and
// token), builds the client, and turns every failure into a CliFailure with its exit code.
import type { Command } from "commander";
import { managementClientEnv } from "../../../infra/config/management-client-env.js";
import { globalOptions, loadForCommand } from "../global-options.js";
import { resolveAuthToken } from "./auth-token.js";
import { toCliFailure } from "./cli-failure.js";
import { describeEndpoint, resolveEndpoint } from "./endpoint.js";
import { createManagementClient, type ManagementClient } from "./management-client.js";
import { type OutputFormat, outputFormat } from "./output.js";

export interface RemoteContext {
  client: ManagementClient;
  format: OutputFormat;
}

export async function runRemote(command: Command, work: (ctx: RemoteContext) => Promise<void>): Promise<void> {
  const g = globalOptions(command);
  const format = outputFormat(g.output);
  // Problems in unrelated config keys must not stop an operator from reaching the server.
  const { config } = await loadForCommand(command, { materializeDevSecrets: false });
  const env = managementClientEnv();
  const endpoint = resolveEndpoint(g.endpoint, env.endpoint, config);
  try {
    const token = await resolveAuthToken(g, env, config.management.auth_token);
    await work({ client: createManagementClient(endpoint, token), format });
  } catch (error) {
    throw toCliFailure(error, describeEndpoint(endpoint));
  }
}
