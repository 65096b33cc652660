// The room library (spec 02 §3.4): one entry point for the transports, built from the flows that
// own each rule.
import type { Actor } from "../actor.js";
import type { DirectUrlSource } from "./direct-url/direct-url-source.js";
import { type PrepareDirectUrlInput, prepareDirectUrl } from "./direct-url/prepare-direct-url.js";
import { type DeletionCounts, LibraryDeletion } from "./library-deletion.js";
import type { LibraryDeps } from "./library-deps.js";
import { type ItemListing, LibraryReads, type ListItemsInput, type ListPlaylistsInput } from "./library-reads.js";
import type { MediaView, PlaylistView } from "./library-types.js";
import { type AddMediaInput, type EditMediaInput, MediaCommands, type MoveMediaInput } from "./media-commands.js";
import {
  type CreatePlaylistInput,
  type MovePlaylistInput,
  PlaylistCommands,
  type UpdatePlaylistInput,
} from "./playlist-commands.js";

export class PlaylistLibrary {
  readonly #playlists: PlaylistCommands;
  readonly #media: MediaCommands;
  readonly #deletion: LibraryDeletion;
  readonly #reads: LibraryReads;

  constructor(private readonly deps: LibraryDeps) {
    this.#playlists = new PlaylistCommands(deps);
    this.#media = new MediaCommands(deps);
    this.#deletion = new LibraryDeletion(deps);
    this.#reads = new LibraryReads(deps);
  }

  createPlaylist(actor: Actor, input: CreatePlaylistInput): Promise<PlaylistView> {
    return this.#playlists.create(actor, input);
  }
  updatePlaylist(actor: Actor, input: UpdatePlaylistInput): Promise<PlaylistView> {
    return this.#playlists.update(actor, input);
  }
  movePlaylist(actor: Actor, input: MovePlaylistInput): Promise<PlaylistView> {
    return this.#playlists.move(actor, input);
  }
  deletePlaylist(actor: Actor, roomId: number, playlistId: number, force: boolean): Promise<DeletionCounts> {
    return this.#deletion.deletePlaylist(actor, roomId, playlistId, force);
  }
  addMedia(actor: Actor, input: AddMediaInput): Promise<MediaView[]> {
    return this.#media.add(actor, input);
  }
  editMedia(actor: Actor, input: EditMediaInput): Promise<MediaView> {
    return this.#media.edit(actor, input);
  }
  moveMedia(actor: Actor, input: MoveMediaInput): Promise<MediaView[]> {
    return this.#media.move(actor, input);
  }
  deleteMedia(actor: Actor, roomId: number, mediaId: number, force: boolean): Promise<DeletionCounts> {
    return this.#deletion.deleteMedia(actor, roomId, mediaId, force);
  }
  deleteEntries(
    actor: Actor,
    roomId: number,
    ids: { playlistIds: readonly number[]; mediaIds: readonly number[] },
    force: boolean,
  ): Promise<DeletionCounts> {
    return this.#deletion.deleteEntries(actor, roomId, ids.playlistIds, ids.mediaIds, force);
  }
  clearPlaylist(actor: Actor, roomId: number, playlistId: number | null): Promise<DeletionCounts> {
    return this.#deletion.clear(actor, roomId, playlistId);
  }
  getPlaylist(actor: Actor, roomId: number, playlistId: number) {
    return this.#reads.getPlaylist(actor, roomId, playlistId);
  }
  listPlaylists(actor: Actor, input: ListPlaylistsInput): Promise<{ playlists: PlaylistView[]; total: number }> {
    return this.#reads.listPlaylists(actor, input);
  }
  getMedia(actor: Actor, roomId: number, mediaId: number): Promise<MediaView> {
    return this.#reads.getMedia(actor, roomId, mediaId);
  }
  listItems(actor: Actor, input: ListItemsInput): Promise<ItemListing> {
    return this.#reads.listItems(actor, input);
  }
  prepareDirectUrl(actor: Actor, input: PrepareDirectUrlInput): DirectUrlSource {
    return prepareDirectUrl(actor, input, this.deps.ssrf);
  }
}
