// Builds the room domain for the composition root: the node's one ObservableWriter and RoomAccess
// gate, shared by room lifecycle/settings/discovery and by membership.
import type { AuthServiceDeps } from "./api/services/auth-service.js";
import type { assembleAuth } from "./auth-assembly.js";
import { createChatDomain } from "./core/chat/chat-domain.js";
import { ChatPartitionGate } from "./core/chat/chat-partition-gate.js";
import { ChatRateLimiter } from "./core/chat/chat-rate-limiter.js";
import { createRoomMembership } from "./core/members/room-membership.js";
import { createPlaybackDomain } from "./core/playback/playback-domain.js";
import { PlaylistLibrary } from "./core/playlists/playlist-library.js";
import type { PresenceReader } from "./core/realtime-runtime/presence-tracker.js";
import { createRoomLifecycle } from "./core/rooms/lifecycle/room-lifecycle.js";
import { RoomAccess } from "./core/rooms/room-access.js";
import type { RuntimeSettingsSource } from "./core/settings/runtime-settings.js";
import type { Clock } from "./infra/clock.js";
import type { Config } from "./infra/config/load.js";
import type { Database } from "./infra/db/database.js";
import { ObservableWriter } from "./infra/db/events/observable-writer.js";
import type { Logger } from "./infra/logging/logger.js";
import { cryptoRandom } from "./infra/random.js";
import type { ShortLivedStore } from "./infra/store/types.js";

export interface RoomsAssemblyInput {
  config: Config;
  database: Database;
  settings: RuntimeSettingsSource;
  clock: Clock;
  log: Logger;
  auth: Awaited<ReturnType<typeof assembleAuth>> & { api: AuthServiceDeps };
  /** The shared store and its single-node fallback, for the chat send budget (05 §5.3). */
  stores: { store: ShortLivedStore; fallback: ShortLivedStore; onFallback?: (label: string) => void };
  /** Live presence for room reads and member lists, and the RTT-based scheduled-start lead (03 §3.3). */
  presence?: { reader: PresenceReader; leadMs(roomId: number): number };
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
    ...(input.presence ? { presence: input.presence.reader } : {}),
  });
  // Chat (spec 02 §3.6): one domain per node; its system-message hooks go to membership and playback.
  const chat = createChatDomain({
    database,
    writer,
    access,
    settings,
    clock,
    partitions: new ChatPartitionGate(database.db),
    budget: new ChatRateLimiter({
      store: input.stores.store,
      fallback: input.stores.fallback,
      clock,
      messagesPerSecond: config.messaging_rate_limits.chat_messages_per_second,
      limits: config.request_rate_limits,
      ...(input.stores.onFallback ? { onFallback: input.stores.onFallback } : {}),
    }),
  });
  const membership = createRoomMembership({
    database,
    writer,
    access,
    clock,
    opaque: auth.opaque,
    bruteForce: auth.bruteForce,
    guestTokenLifetimeMs: (config.jwt.guest_ttl_seconds + config.jwt.leeway_seconds) * 1000,
    chat: chat.system,
    ...(input.presence ? { presence: input.presence.reader } : {}),
  });
  // Playback (spec 03 §3): one transitions instance per node, shared by the API and the playback workers.
  const presence = input.presence;
  const playback = createPlaybackDomain({
    database,
    writer,
    access,
    clock,
    random: cryptoRandom,
    chat: chat.system,
    ...(presence ? { leadMs: (roomId: number) => presence.leadMs(roomId) } : {}),
  });
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
  return { writer, access, lifecycle, membership, playback, library, chat };
}
