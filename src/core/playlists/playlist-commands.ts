// CreatePlaylist, UpdatePlaylist and MovePlaylist (spec 02 §3.4): static playlists only in P1
// (dynamic ones answer 9004); new playlists go last among their siblings; a move adopts the
// anchor's parent and may not put a playlist inside its own subtree.
import { and, eq, sql } from "drizzle-orm";
import type { DbTransaction } from "../../infra/db/database-port.js";
import { playlists } from "../../infra/db/schema/index.js";
import type { Actor } from "../actor.js";
import { invalidArgument, notFound } from "../errors.js";
import { enterLibrary, requireEditable } from "./library-access.js";
import type { LibraryDeps } from "./library-deps.js";
import { moveCycle, playlistNotFound, providerNotAvailable } from "./library-errors.js";
import { appendLibraryEvent } from "./library-events.js";
import { MAX_PLAYLIST_NAME } from "./library-limits.js";
import { browseAccessToStored, findPlaylist, livePlaylist, toPlaylistView } from "./library-rows.js";
import { normalizeDescription, normalizeItemName } from "./library-text.js";
import type { BrowseAccess, PlaylistView } from "./library-types.js";
import { allocatePositions, assertScopeHasRoom, lockLibraryTree, lockScope, rowsOf } from "./scope-ordering.js";
import { checkExpectedVersion } from "./version-guard.js";

export interface CreatePlaylistInput {
  roomId: number;
  name: string;
  description: string;
  parentId: number | null;
  /** A source provider or config was given: a dynamic playlist (P2). */
  dynamic: boolean;
  providerInstanceName: string;
  browseAccess: BrowseAccess;
}

export type PlaylistPatchField =
  | "name"
  | "description"
  | "source_config"
  | "provider_instance_name"
  | "browse_access_mode";

export interface UpdatePlaylistInput {
  roomId: number;
  playlistId: number;
  /** Masked fields; a masked but unset field resets to its default (02 §2.7). */
  mask: readonly PlaylistPatchField[];
  name?: string;
  description?: string;
  browseAccess?: BrowseAccess;
  expectedVersion?: number;
}

export interface MovePlaylistInput {
  roomId: number;
  playlistId: number;
  anchor: { before: number } | { after: number };
}

export class PlaylistCommands {
  constructor(private readonly deps: LibraryDeps) {}

  async create(actor: Actor, input: CreatePlaylistInput): Promise<PlaylistView> {
    const name = normalizeItemName(input.name, MAX_PLAYLIST_NAME);
    const description = normalizeDescription(input.description);
    return this.deps.writer.run(async (tx, events) => {
      const lib = await enterLibrary(this.deps.access, actor, input.roomId, "manage_own_media", {
        read: false,
        db: tx,
      });
      if (input.dynamic || input.providerInstanceName !== "") throw providerNotAvailable("Dynamic playlists");
      const scope = { roomId: input.roomId, playlistId: input.parentId };
      await lockLibraryTree(tx, input.roomId, "shared");
      await lockScope(tx, scope);
      if (input.parentId !== null) await requireStaticPlaylist(tx, input.roomId, input.parentId);
      await assertScopeHasRoom(tx, scope, 1);
      const [position] = (await allocatePositions(tx, "playlist", scope, null, 1)) ?? [];
      const [row] = await tx
        .insert(playlists)
        .values({
          roomId: input.roomId,
          creatorId: lib.userId,
          name,
          description,
          parentId: input.parentId,
          position: position ?? 0,
          browseAccessMode: browseAccessToStored[input.browseAccess],
        })
        .returning({ id: playlists.id });
      if (!row) throw new Error("playlist insert returned nothing");
      await appendLibraryEvent(events, {
        roomId: input.roomId,
        actorUserId: lib.userId,
        type: "playlist.created",
        playlistIds: [row.id],
        scopes: [input.parentId],
      });
      return toPlaylistView(await mustFind(tx, input.roomId, row.id), lib.userId);
    });
  }

  async update(actor: Actor, input: UpdatePlaylistInput): Promise<PlaylistView> {
    const masked = new Set(input.mask);
    const name = masked.has("name") ? normalizeItemName(input.name ?? "", MAX_PLAYLIST_NAME) : undefined;
    const description = masked.has("description") ? normalizeDescription(input.description ?? "") : undefined;
    return this.deps.writer.run(async (tx, events) => {
      const lib = await enterLibrary(this.deps.access, actor, input.roomId, null, { read: false, db: tx });
      const [current] = await tx
        .select({ creatorId: playlists.creatorId, version: playlists.version, provider: playlists.sourceProvider })
        .from(playlists)
        .where(livePlaylist(input.roomId, input.playlistId))
        .for("update");
      if (!current) throw playlistNotFound();
      requireEditable(lib, current.creatorId);
      if ((masked.has("source_config") || masked.has("provider_instance_name")) && current.provider === null) {
        throw invalidArgument("Source fields apply to dynamic playlists only");
      }
      checkExpectedVersion(current.version, input.expectedVersion);
      await tx
        .update(playlists)
        .set({
          ...(name === undefined ? {} : { name }),
          ...(description === undefined ? {} : { description }),
          ...(masked.has("browse_access_mode")
            ? { browseAccessMode: browseAccessToStored[input.browseAccess ?? "DEFAULT"] }
            : {}),
          version: sql`${playlists.version} + 1`,
        })
        .where(eq(playlists.id, input.playlistId));
      await appendLibraryEvent(events, {
        roomId: input.roomId,
        actorUserId: lib.userId,
        type: "playlist.updated",
        playlistIds: [input.playlistId],
      });
      return toPlaylistView(await mustFind(tx, input.roomId, input.playlistId), lib.userId);
    });
  }

  async move(actor: Actor, input: MovePlaylistInput): Promise<PlaylistView> {
    const anchorId = "before" in input.anchor ? input.anchor.before : input.anchor.after;
    if (anchorId === input.playlistId) throw invalidArgument("A playlist cannot be its own anchor");
    return this.deps.writer.run(async (tx, events) => {
      const lib = await enterLibrary(this.deps.access, actor, input.roomId, "reorder_media", { read: false, db: tx });
      // Exclusive: two concurrent moves could otherwise each pass the cycle check and form a loop.
      await lockLibraryTree(tx, input.roomId, "exclusive");
      const moving = await findPlaylist(tx, input.roomId, input.playlistId);
      if (!moving) throw playlistNotFound();
      const anchor = await findPlaylist(tx, input.roomId, anchorId);
      if (!anchor) throw notFound("Anchor playlist not found");
      const parentId = anchor.parentId;
      if (parentId !== null) {
        if (await isInSubtree(tx, input.roomId, parentId, input.playlistId)) throw moveCycle();
        await requireStaticPlaylist(tx, input.roomId, parentId);
      }
      const scope = { roomId: input.roomId, playlistId: parentId };
      await lockScope(tx, scope);
      if (moving.parentId !== parentId) await assertScopeHasRoom(tx, scope, 1);
      const positions = await allocatePositions(tx, "playlist", scope, input.anchor, 1, [input.playlistId]);
      const position = positions?.[0];
      if (position === undefined) throw notFound("Anchor playlist not found");
      await tx
        .update(playlists)
        .set({ parentId, position, version: sql`${playlists.version} + 1` })
        .where(eq(playlists.id, input.playlistId));
      await appendLibraryEvent(events, {
        roomId: input.roomId,
        actorUserId: lib.userId,
        type: "playlist.moved",
        playlistIds: [input.playlistId],
        scopes: [moving.parentId, parentId],
      });
      return toPlaylistView(await mustFind(tx, input.roomId, input.playlistId), lib.userId);
    });
  }
}

/** The parent of new items must be a live static playlist of the room (dynamic ones list a provider). */
export async function requireStaticPlaylist(tx: DbTransaction, roomId: number, playlistId: number): Promise<void> {
  const [row] = await tx
    .select({ provider: playlists.sourceProvider })
    .from(playlists)
    .where(and(livePlaylist(roomId, playlistId)));
  if (!row) throw playlistNotFound();
  if (row.provider !== null) throw invalidArgument("Items cannot be added to a dynamic playlist");
}

/** True when `candidate` is `root` or lies below it (walks up from candidate). */
async function isInSubtree(tx: DbTransaction, roomId: number, candidate: number, root: number): Promise<boolean> {
  const rows = rowsOf<{ hit: unknown }>(
    await tx.execute(sql`WITH RECURSIVE up(id, parent_id) AS (
        SELECT id, parent_id FROM playlists WHERE room_id = ${roomId} AND id = ${candidate}
        UNION
        SELECT p.id, p.parent_id FROM playlists p JOIN up ON p.id = up.parent_id WHERE p.room_id = ${roomId}
      ) SELECT 1 AS hit FROM up WHERE id = ${root} LIMIT 1`),
  );
  return rows.length > 0;
}

async function mustFind(tx: DbTransaction, roomId: number, id: number) {
  const row = await findPlaylist(tx, roomId, id);
  if (!row) throw new Error(`playlist ${id} vanished inside its own transaction`);
  return row;
}
