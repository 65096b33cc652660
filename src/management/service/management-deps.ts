// What the ManagementService handlers are built from; the composition root (main.ts) fills it in.
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { RoomMembership } from "../../core/members/room-membership.js";
import type { PlaybackDomain } from "../../core/playback/playback-domain.js";
import type { PlaylistLibrary } from "../../core/playlists/playlist-library.js";
import type { RoomDirectory } from "../../core/rooms/discovery/room-directory.js";
import type { RoomLifecycle } from "../../core/rooms/lifecycle/room-lifecycle.js";
import type { AccountDeletion } from "../../core/users/account-deletion.js";
import type { UserAdministration } from "../../core/users/user-administration.js";
import type { Clock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database-port.js";
import type { StagedShutdown, StopMode } from "../shutdown/staged-shutdown.js";

/** Facts about this process for GetServerState. */
export interface NodeFacts {
  nodeId: string;
  version: string;
  devMode: boolean;
  startedAt: number;
  databaseDriver: string;
  redisConfigured: boolean;
  listeners(): { name: string; address: string }[];
  shuttingDown(): boolean;
}

export interface ManagementServiceDeps {
  database: Database;
  ids: PublicIdCodec;
  clock: Clock;
  users: UserAdministration;
  /** Account deletion and restore (06 §4.8), on the node's one ObservableWriter. */
  accounts: AccountDeletion;
  rooms: RoomLifecycle;
  directory: RoomDirectory;
  membership: RoomMembership;
  /** The node's one playback domain and room library (rooms-assembly), shared with the public API. */
  playback: PlaybackDomain;
  library: PlaylistLibrary;
  node: NodeFacts;
  shutdown: {
    stages: StagedShutdown;
    /** Starts (or escalates) the node's stop, the same one SIGTERM runs. */
    start(mode: StopMode): void;
  };
}
