// ProviderService (spec 02 §3.10): PrepareDirectUrl in P1; every other RPC answers UNIMPLEMENTED.
import type { ServiceImpl } from "@connectrpc/connect";
import type { ProviderService } from "../../../gen/synctv/v1/provider_service_pb.js";
import type { PlaylistLibrary } from "../../core/playlists/playlist-library.js";
import { callerOf } from "../caller.js";
import { directUrlSourceToWire, KIND_FROM_WIRE, PROXY_MODE_FROM_WIRE } from "../mappers/playlist.js";

export interface ProviderServiceDeps {
  library: PlaylistLibrary;
}

export function providerServiceImpl(deps: ProviderServiceDeps): Partial<ServiceImpl<typeof ProviderService>> {
  return {
    async prepareDirectUrl(req, ctx) {
      const source = deps.library.prepareDirectUrl(await callerOf(ctx), {
        url: req.url,
        headers: req.headers,
        playbackKind: KIND_FROM_WIRE[req.playbackKind],
        proxyMode: PROXY_MODE_FROM_WIRE[req.proxyMode],
        expiresAt: req.expiresAt === undefined ? undefined : Number(req.expiresAt),
      });
      return { source: directUrlSourceToWire(source) };
    },
  };
}
