// The library's domain errors (spec 02 §2.11, §3.4), named once so every flow reports them alike.
import { AppCode, failedPrecondition, invalidArgument, notFound, unimplemented } from "../errors.js";
import { MAX_ITEMS_PER_SCOPE } from "./library-limits.js";

export const playlistNotFound = () => notFound("Playlist not found");
export const mediaNotFound = () => notFound("Media not found");

/** 3001: the scope would hold more than 1000 live items. */
export const scopeFull = () =>
  failedPrecondition(`A playlist holds at most ${MAX_ITEMS_PER_SCOPE} items`, {
    metadata: { limit: String(MAX_ITEMS_PER_SCOPE) },
  });

/** 3107: the change would remove what is playing and the caller did not say `force`. */
export const forceRequired = () =>
  failedPrecondition("The playing item would be removed; retry with force", { code: AppCode.FORCE_REQUIRED });

export const moveCycle = () => invalidArgument("A playlist cannot move inside itself");

/** 9004: dynamic playlists and providers other than direct_url arrive in P2. */
export const providerNotAvailable = (what: string) => unimplemented(`${what} is not available yet`);
