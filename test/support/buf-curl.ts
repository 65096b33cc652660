// Runs `buf curl` (a gRPC/Connect client that is not ours) against a test server using server
// reflection only: no local .proto files are given to it.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

function bufBinary(): string {
  const pkg = require.resolve("@bufbuild/buf/package.json");
  return join(dirname(pkg), "bin", "buf");
}

export interface BufCurlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function bufCurl(args: string[]): Promise<BufCurlResult> {
  try {
    const { stdout, stderr } = await run(bufBinary(), ["curl", ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : 1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}
