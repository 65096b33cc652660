// Spawns a process under test in its own process group and records each output line with the
// wall-clock time it arrived. The group matters for `npm start`: npm → sh → tsx → node, and a
// SIGTERM to npm alone would leave the server running and its data_dir locked.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";

export interface OutputLine {
  stream: "stdout" | "stderr";
  text: string;
  /** Date.now() when the bench read the line; comparable with log timestamps on this host. */
  receivedAtMs: number;
}

export interface SpawnedProcess {
  child: ChildProcess;
  /** Date.now() just before spawn: the zero of every start-up phase. */
  spawnedAtMs: number;
  /** performance.now() just before spawn, for the precise total. */
  spawnedAtPerf: number;
  lines: OutputLine[];
  /** Set when the process exited before `stop()` asked it to. */
  exitedEarly(): Error | undefined;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface SpawnOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function spawnProcess(options: SpawnOptions): SpawnedProcess {
  const spawnedAtMs = Date.now();
  const spawnedAtPerf = performance.now();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const lines: OutputLine[] = [];
  for (const stream of ["stdout", "stderr"] as const) {
    const input = child[stream];
    if (input === null) continue;
    createInterface({ input }).on("line", (text) => lines.push({ stream, text, receivedAtMs: Date.now() }));
  }
  let stopping = false;
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;

  return {
    child,
    spawnedAtMs,
    spawnedAtPerf,
    lines,
    exitedEarly() {
      if (stopping || child.exitCode === null) return undefined;
      const tail = lines
        .slice(-20)
        .map((l) => l.text)
        .join("\n");
      return new Error(`process exited with ${child.exitCode} before it was stopped:\n${tail}`);
    },
    async stop(graceMs = 15_000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const deadline = performance.now() + graceMs;
      signalGroup(child, "SIGTERM");
      const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
      const [code] = await exited;
      clearTimeout(timer);
      // npm may exit before its grandchild (the server) has drained: wait for the whole group,
      // so the next run never finds the data_dir still locked, then kill whatever is left.
      while (groupAlive(child) && performance.now() < deadline) await sleep(20);
      signalGroup(child, "SIGKILL");
      return code;
    },
  };
}

function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}
