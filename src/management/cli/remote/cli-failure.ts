// How a remote command fails (08 §4.3): one line on stderr and one of the documented exit codes.
// Connect errors map by code: unreachable 3, unauthenticated or denied 4, validation 5, else 1.
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "../../../../gen/synctv/v1/errors_pb.js";
import { ExitCode } from "../exit-codes.js";

type Exit = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the CLI reports as-is, with its exit code. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: Exit,
  ) {
    super(message);
    this.name = "CliFailure";
  }
}

const exitOfCode: Partial<Record<Code, Exit>> = {
  [Code.Unavailable]: ExitCode.UNREACHABLE,
  [Code.Unauthenticated]: ExitCode.DENIED,
  [Code.PermissionDenied]: ExitCode.DENIED,
  [Code.InvalidArgument]: ExitCode.INVALID,
  [Code.OutOfRange]: ExitCode.INVALID,
};

/** Any error of a remote call → a CliFailure with a one-line message. */
export function toCliFailure(error: unknown, endpoint: string): CliFailure {
  if (error instanceof CliFailure) return error;
  if (error instanceof ConnectError) {
    if (error.code === Code.Unavailable || isConnectionError(error)) {
      return new CliFailure(
        `cannot reach the server at ${endpoint}: ${oneLine(error.rawMessage)}`,
        ExitCode.UNREACHABLE,
      );
    }
    const [info] = error.findDetails(ErrorInfoSchema);
    const violations = info?.fieldViolations.map((v) => `${v.field}: ${v.description}`).join("; ") ?? "";
    const code = Code[error.code].replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
    const text = `${code}: ${oneLine(error.rawMessage)}${violations ? ` (${oneLine(violations)})` : ""}`;
    return new CliFailure(text, exitOfCode[error.code] ?? ExitCode.FAILED);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CliFailure(oneLine(message), ExitCode.FAILED);
}

/** connect-node reports refused or missing sockets as UNKNOWN/INTERNAL with the errno in the text. */
function isConnectionError(error: ConnectError): boolean {
  return /ECONNREFUSED|ENOENT|EACCES|ECONNRESET|EPIPE|ENOTSOCK|socket hang up/.test(error.rawMessage);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
