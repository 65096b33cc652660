// `synctv stop [--force]` (08 §4.3, §4.4): asks the server for its staged shutdown and prints each
// stage as it happens. Exit 0 on COMPLETED (or when the stream ends after FINALIZING, 08 §4.4).
import type { Command } from "commander";
import {
  StopServerEventSchema,
  StopServerMode,
  StopServerStage,
  StopServerStageSchema,
} from "../../../../gen/synctv/management/v1/management_pb.js";
import { ExitCode } from "../exit-codes.js";
import { CliFailure } from "../remote/cli-failure.js";
import { printMessage } from "../remote/output.js";
import { runRemote } from "../remote/remote-command.js";

const stageName = (stage: StopServerStage) =>
  (StopServerStageSchema.values.find((v) => v.number === stage)?.name ?? String(stage)).replace(
    "STOP_SERVER_STAGE_",
    "",
  );

export function registerStopCommand(program: Command): void {
  program
    .command("stop")
    .description("stop the running server through its staged shutdown; prints every stage")
    .option("--force", "skip waits (audit is still flushed and the database closed)")
    .action((opts: { force?: boolean }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const mode = opts.force ? StopServerMode.FORCE : StopServerMode.GRACEFUL;
        let last = StopServerStage.UNSPECIFIED;
        try {
          for await (const event of client.stopServer({ mode })) {
            last = event.stage;
            printMessage(format, StopServerEventSchema, event, (e) =>
              `${stageName(e.stage).padEnd(24)}  ${e.message}`.trimEnd(),
            );
          }
        } catch (error) {
          // The server may close the socket right after FINALIZING: that is success (08 §4.4).
          if (last !== StopServerStage.FINALIZING) throw error;
        }
        if (last === StopServerStage.FAILED) throw new CliFailure("the server stopped with errors", ExitCode.FAILED);
        if (last !== StopServerStage.COMPLETED && last !== StopServerStage.FINALIZING) {
          throw new CliFailure(`the stop stream ended early (last stage ${stageName(last)})`, ExitCode.FAILED);
        }
      }),
    );
}
