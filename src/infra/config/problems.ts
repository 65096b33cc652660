// The vocabulary of configuration diagnostics: source layers, problems, and the error thrown at start-up.
// Problems name a key path and a layer, never a secret value, so they are safe to print and log.

/** Where a value came from, lowest precedence first (08 §3.1). */
export type ConfigLayer = "default" | "file" | ".env" | "env" | "flag";

export interface ConfigProblem {
  severity: "error" | "warning";
  /** Dotted key path (or the env variable / file for problems that have no key). */
  path: string;
  /** Layer or origin the offending value came from. */
  source?: string;
  message: string;
}

export function configError(path: string, message: string, source?: string): ConfigProblem {
  return source === undefined ? { severity: "error", path, message } : { severity: "error", path, source, message };
}

export function configWarning(path: string, message: string, source?: string): ConfigProblem {
  return source === undefined ? { severity: "warning", path, message } : { severity: "warning", path, source, message };
}

/** `error  server.port (env): …` — the one line format every caller prints. */
export function formatProblem(problem: ConfigProblem): string {
  return `${problem.severity}  ${problem.path} (${problem.source ?? "default"}): ${problem.message}`;
}

export class ConfigInvalidError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const errors = problems.filter((problem) => problem.severity === "error");
    super(`invalid configuration (${errors.length} error(s)):\n${errors.map(formatProblem).join("\n")}`);
    this.name = "ConfigInvalidError";
    this.problems = problems;
  }
}
