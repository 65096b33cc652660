// PrepareDirectUrl (spec 02 §3.10, 07 §12.1): a signed-in user turns one URL (plus headers, kind,
// proxy mode, expiry) into a normalised DirectUrlSource to pass to AddMedia. Offline: no fetch.
import type { Actor } from "../../actor.js";
import { requireUser } from "../../auth/access.js";
import { normalizeDirectUrlSource } from "./direct-url-normalization.js";
import type { DirectUrlSource, PlaybackKindName, ProxyMode } from "./direct-url-source.js";
import type { SsrfPolicy } from "./ssrf-target-check.js";

export interface PrepareDirectUrlInput {
  url: string;
  headers: Readonly<Record<string, string>>;
  playbackKind?: Exclude<PlaybackKindName, "unknown">;
  proxyMode?: ProxyMode;
  expiresAt?: number;
}

export function prepareDirectUrl(actor: Actor, input: PrepareDirectUrlInput, ssrf: SsrfPolicy): DirectUrlSource {
  requireUser(actor);
  return normalizeDirectUrlSource(
    {
      medias: [
        {
          name: "",
          url: input.url,
          headers: input.headers,
          ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
        },
      ],
      ...(input.playbackKind === undefined ? {} : { playbackKind: input.playbackKind }),
      ...(input.proxyMode === undefined ? {} : { proxyMode: input.proxyMode }),
    },
    ssrf,
  );
}
