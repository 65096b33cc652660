// Builds the room domain for the composition root: the node's one ObservableWriter and RoomAccess
// gate, shared by room lifecycle/settings/discovery and by membership.
import type { AuthServiceDeps } from "./api/services/auth-service.js";
import type { assembleAuth } from "./auth-assembly.js";
import { createRoomMembership } from "./core/members/room-membership.js";
import { createPlaybackDomain } from "./core/playback/playback-domain.js";
import { PlaylistLibrary } from "./core/playlists/playlist-library.js";
import { createRoomLifecycle } from "./core/rooms/lifecycle/room-lifecycle.js";
import { RoomAccess } from "./core/rooms/room-access.js";
import type { RuntimeSettingsSource } from "./core/settings/runtime-settings.js";
import type { Clock } from "./infra/clock.js";
import type { Config } from "./infra/config/load.js";
import type { Database } from "./infra/db/database.js";
import { ObservableWriter } from "./infra/db/events/observable-writer.js";
import type { Logger } from "./infra/logging/logger.js";
import { cryptoRandom } from "./infra/random.js";

export interface RoomsAssemblyInput {
  config: Config;
  database: Database;
  settings: RuntimeSettingsSource;
  clock: Clock;
  log: Logger;
  auth: Awaited<ReturnType<typeof assembleAuth>> & { api: AuthServiceDeps };
}

export function assembleRooms(input: RoomsAssemblyInput) {
  const { config, database, settings, clock, log, auth } = input;
  const writer = new ObservableWriter(database, {
    clock,
    onListenerError: (err) => log.error({ err }, "after-commit listener failed"),
  });
  const access = new RoomAccess(database, settings, clock);
  const lifecycle = createRoomLifecycle({
    database,
    writer,
    settings,
    clock,
    random: cryptoRandom,
    opaque: auth.opaque,
    ids: auth.ids,
    access,
    guests: auth.guestAdmission,
  });
  const membership = createRoomMembership({
    database,
    writer,
    access,
    clock,
    opaque: auth.opaque,
    bruteForce: auth.bruteForce,
    guestTokenLifetimeMs: (config.jwt.guest_ttl_seconds + config.jwt.leeway_seconds) * 1000,
  });
  // Playback (spec 03 §3): one transitions instance per node, shared by the API and the playback workers.
  const playback = createPlaybackDomain({ database, writer, access, clock, random: cryptoRandom });
  // The room library (spec 02 §3.4); URLs it stores pass the static SSRF rules of security.ssrf.
  const ssrf = config.security.ssrf;
  const library = new PlaylistLibrary({
    database,
    writer,
    access,
    clock,
    ssrf: {
      enabled: ssrf.enabled,
      allowPrivateNetworkTargets: ssrf.allow_private_network_targets,
      allowedHosts: ssrf.allowed_hosts,
      allowedIpRanges: ssrf.allowed_ip_ranges,
      allowedPorts: ssrf.allowed_ports,
    },
  });
  return { writer, access, lifecycle, membership, playback, library };
}
