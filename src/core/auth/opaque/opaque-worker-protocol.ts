// Messages between the OPAQUE pool (main thread) and its workers. Types only: both sides import this
// file, so it must stay free of side effects. Passwords travel only inside these messages, never in logs.

export interface OpaqueWorkerData {
  serverSetup: string;
}

export type OpaqueWorkerTask =
  | { op: "register"; identifier: string; password: string }
  | { op: "verify"; identifier: string; record: string | null; password: string };

export type OpaqueWorkerRequest = OpaqueWorkerTask & { id: number };

export type OpaqueWorkerResponse =
  | { id: number; ok: true; op: "register"; record: string }
  | { id: number; ok: true; op: "verify"; valid: boolean }
  /** `reason` is the library's message: it names the failing step, never the password. */
  | { id: number; ok: false; reason: string };
