// `synctv secrets opaque-setup` (08 §4.3, 05 §6): prints a fresh OPAQUE server setup for
// `security.opaque_server_setup_secret`. Local only; reads no config and stores nothing.

import { ready, server } from "@serenity-kit/opaque";
import type { Command } from "commander";
import { ExitCode } from "../exit-codes.js";

export interface SecretsCommandIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  setExitCode?: (code: number) => void;
}

/** A new setup from the library's CSPRNG, the same as `npx @serenity-kit/opaque create-server-setup`. */
export async function freshOpaqueServerSetup(): Promise<string> {
  await ready;
  const setup = server.createSetup();
  // Never hand out something the server would refuse at start-up.
  server.getPublicKey(setup);
  return setup;
}

export function registerSecretsCommands(program: Command, io: SecretsCommandIo = {}): void {
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => process.stderr.write(text));
  const setExitCode =
    io.setExitCode ??
    ((code: number) => {
      process.exitCode = code;
    });
  const secrets = program.command("secrets").description("generate secret material");
  secrets
    .command("opaque-setup")
    .description("print a fresh OPAQUE server setup for security.opaque_server_setup_secret")
    .action(async () => {
      // Only the value goes to stdout, so `synctv secrets opaque-setup > file` yields a usable secret file.
      stdout(`${await freshOpaqueServerSetup()}\n`);
      stderr(
        "store it as security.opaque_server_setup_secret (or SYNCTV_SECURITY_OPAQUE_SERVER_SETUP_SECRET[_FILE]); " +
          "it can never be rotated: every stored password depends on it\n",
      );
      setExitCode(ExitCode.OK);
    });
}
