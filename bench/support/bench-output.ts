// The one output contract of every benchmark (spec 09): one JSON object per result on stdout.
// Progress goes to stderr so `npm run bench:x > results.jsonl` stays machine-readable.
import { execFileSync } from "node:child_process";
import os from "node:os";

export interface BenchResult {
  name: string;
  parameters: object;
  figures: object;
  baseline: { name: string } & Record<string, unknown>;
  target: object;
  [extra: string]: unknown;
}

export function printResult(result: BenchResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** What every result records about the machine, because figures mean little without it. */
export function machine(): Record<string, unknown> {
  return {
    node: process.version,
    cpus: os.availableParallelism(),
    cpu_model: os.cpus()[0]?.model ?? "unknown",
    // Load at the start of the run: the machines are shared, and this says how shared.
    loadavg_1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    commit: gitRevision(),
  };
}

/** HEAD plus "+dirty" when src/ has uncommitted changes: the code measured, as exactly as we can say. */
function gitRevision(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], { encoding: "utf8" }).trim() !== "";
    return dirty ? `${head}+dirty` : head;
  } catch {
    return "unknown";
  }
}
