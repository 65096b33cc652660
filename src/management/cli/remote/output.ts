// Printing results (08 §4.3): `-o human` (default) for people, `-o json` (ProtoJSON, one document per
// line) and `-o yaml` for machines. Human output is a few aligned lines per record.
import { type DescMessage, type MessageShape, toJson } from "@bufbuild/protobuf";
import { stringify } from "yaml";
import { ExitCode } from "../exit-codes.js";
import { CliFailure } from "./cli-failure.js";

export type OutputFormat = "human" | "json" | "yaml";

export function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === "human" || value === "json" || value === "yaml") return value ?? "human";
  throw new CliFailure(`unknown output format '${value}' (use human, json or yaml)`, ExitCode.USAGE);
}

export function printMessage<D extends DescMessage>(
  format: OutputFormat,
  schema: D,
  message: MessageShape<D>,
  human: (m: MessageShape<D>) => string,
): void {
  if (format === "human") {
    const text = human(message);
    if (text !== "") process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    return;
  }
  const json = toJson(schema, message, { alwaysEmitImplicit: false });
  process.stdout.write(format === "json" ? `${JSON.stringify(json)}\n` : `---\n${stringify(json)}`);
}

/** Rows as left-aligned columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** `SOME_ENUM_VALUE` names without their type prefix, e.g. USER_ROLE_ADMIN → ADMIN. */
export function enumName(names: Record<number, string>, value: number, prefix: string): string {
  const name = names[value] ?? String(value);
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}
