// Exit codes of the synctv CLI (spec 08 §4.3), one list for every command.
export const ExitCode = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  UNREACHABLE: 3,
  DENIED: 4,
  INVALID: 5,
} as const;
