// Public surface of media duration probing (spec 07 §14.1); the playback worker imports from here.
export { parseDashManifest, parseIsoDuration } from "./dash-duration.js";
export { parseHlsPlaylist } from "./hls-duration.js";
export {
  type CheckTarget,
  createHttpProbeClient,
  type HttpProbeClientOptions,
  PROBE_USER_AGENT,
  ProbeFetchError,
  type ProbeFetcher,
  type ProbeRequest,
  type ProbeResponse,
  redactUrl,
} from "./http-probe-client.js";
export { movieDurationFromMoov } from "./mp4-duration.js";
export { type ProbeDurationOptions, probeDuration } from "./probe-duration.js";
export type { MediaFormatHint } from "./probe-format.js";
export { type DurationProbeResult, isProbeError, type ProbeErrorKind } from "./probe-result.js";
