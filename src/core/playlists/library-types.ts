// The room library as the core hands it to transports (spec 02 §4 Playlist, Media). Source configs
// are already filtered: they are present only when the viewer created the item.
import type { JsonObject } from "../../infra/db/schema/index.js";
import type { DirectUrlSource } from "./direct-url/direct-url-source.js";

export type BrowseAccess = "DEFAULT" | "ROOM_MEMBERS" | "CREATOR_ONLY";

export interface PlaylistView {
  id: number;
  roomId: number;
  /** null = top level. */
  parentId: number | null;
  name: string;
  description: string;
  position: number;
  isDynamic: boolean;
  sourceProvider: number | null;
  providerInstanceName: string | null;
  /** Only for the playlist's creator. */
  sourceConfig: JsonObject | null;
  browseAccess: BrowseAccess;
  /** Live child playlists plus media directly inside. */
  itemCount: number;
  creatorId: number;
  /** false when the creator is banned or deleted (CREATOR_INACTIVE). */
  creatorActive: boolean;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface MediaView {
  id: number;
  roomId: number;
  /** null = room root. */
  playlistId: number | null;
  name: string;
  description: string;
  position: number;
  sourceProvider: number;
  providerInstanceName: string | null;
  /** Only for the item's creator: it may carry upstream headers and tokens. */
  sourceConfig: DirectUrlSource | null;
  creatorId: number;
  creatorActive: boolean;
  version: number;
  addedAt: number;
  updatedAt: number;
}

/** One ordered container: a playlist's children, or the room root (playlistId null). */
export interface Scope {
  roomId: number;
  playlistId: number | null;
}

export type Availability = "ANY" | "AVAILABLE" | "CREATOR_INACTIVE";
export type LibrarySort = "POSITION" | "NAME" | "CREATED_AT" | "UPDATED_AT";

export interface PageRequest {
  /** 1-based. */
  page: number;
  pageSize: number;
}

/** A placement relative to a sibling; none = at the end. */
export type Anchor = { before: number } | { after: number } | null;
