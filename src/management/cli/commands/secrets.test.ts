import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { secretValueProblems } from "../../../infra/config/secret-rules.js";
import { registerSecretsCommands } from "./secrets.js";

async function runOpaqueSetup() {
  const captured = { stdout: "", stderr: "", exitCode: undefined as number | undefined };
  const program = new Command().name("synctv").exitOverride();
  registerSecretsCommands(program, {
    stdout: (text) => {
      captured.stdout += text;
    },
    stderr: (text) => {
      captured.stderr += text;
    },
    setExitCode: (code) => {
      captured.exitCode = code;
    },
  });
  await program.parseAsync(["secrets", "opaque-setup"], { from: "user" });
  return captured;
}

describe("synctv secrets opaque-setup", () => {
  it("prints only a loadable setup on stdout, with guidance on stderr", async () => {
    const { stdout, stderr, exitCode } = await runOpaqueSetup();
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^[A-Za-z0-9_-]{171}\n$/);
    expect(secretValueProblems("opaque", stdout.trimEnd())).toEqual([]);
    expect(stderr).toContain("security.opaque_server_setup_secret");
    expect(stderr).not.toContain(stdout.trimEnd());
  });

  it("every run prints a different setup", async () => {
    const first = await runOpaqueSetup();
    const second = await runOpaqueSetup();
    expect(first.stdout).not.toBe(second.stdout);
  });
});
