// Secrets the CLI reads (08 §4.3): from a file (`--password-file F`, `--auth-token-file F`) or from
// stdin (`--password -`), never required on the command line. One trailing newline is dropped.
import { readFile } from "node:fs/promises";
import { ExitCode } from "../exit-codes.js";
import { CliFailure } from "./cli-failure.js";

function stripNewline(text: string): string {
  if (text.endsWith("\r\n")) return text.slice(0, -2);
  if (text.endsWith("\n")) return text.slice(0, -1);
  return text;
}

export async function readSecretFromFile(file: string, what: string): Promise<string> {
  try {
    return stripNewline(await readFile(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new CliFailure(`cannot read the ${what} file ${file} (${code})`, ExitCode.INVALID);
  }
}

export async function readSecretFromStdin(what: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = stripNewline(Buffer.concat(chunks).toString("utf8"));
  if (text === "") throw new CliFailure(`no ${what} on stdin`, ExitCode.INVALID);
  return text;
}
