// What a duration probe answers and how failures are classified (spec 07 §14.1): transient ones are
// retried soon (FAILED), unsupported and not-found ones mark the source UNAVAILABLE.

export type ProbeErrorKind = "transient" | "unsupported" | "not_found";

export type DurationProbeResult =
  | { kind: "REGULAR"; durationSeconds: number }
  | { kind: "LIVE" }
  | { error: ProbeErrorKind; message: string };

/** Thrown inside the probe modules; `probeDuration` turns it into an error result. */
export class ProbeFailure extends Error {
  constructor(
    readonly kind: ProbeErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ProbeFailure";
  }
}

export function unsupported(message: string): ProbeFailure {
  return new ProbeFailure("unsupported", message);
}

/** Maps a non-2xx upstream status to a failure kind. */
export function failureForStatus(status: number): ProbeErrorKind {
  if (status === 404 || status === 410) return "not_found";
  // 401/403 usually mean a signed URL or provider token expired; the next attempt re-resolves the source.
  if (status === 401 || status === 403 || status === 408 || status === 425 || status === 429) return "transient";
  if (status >= 500) return "transient";
  return "unsupported";
}

export function isProbeError(result: DurationProbeResult): result is { error: ProbeErrorKind; message: string } {
  return "error" in result;
}
