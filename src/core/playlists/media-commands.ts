// AddMedia, AddMediaBatch, EditMedia and MoveMedia (spec 02 §3.4, 07 §12.1): only direct-URL
// sources in P1 (other providers answer 9004), validated before the transaction opens; batches are
// all-or-nothing; moves keep the items' relative order and land at an anchor of the target scope.
import { eq, sql } from "drizzle-orm";
import type { DbTransaction } from "../../infra/db/database-port.js";
import { type JsonObject, media, SourceProvider } from "../../infra/db/schema/index.js";
import type { Actor } from "../actor.js";
import { invalidArgument, notFound } from "../errors.js";
import { type DirectUrlSourceInput, normalizeDirectUrlSource } from "./direct-url/direct-url-normalization.js";
import { type DirectUrlSource, type ProxyMode, parseDirectUrlSource } from "./direct-url/direct-url-source.js";
import { enterLibrary, requireEditable } from "./library-access.js";
import type { LibraryDeps } from "./library-deps.js";
import { mediaNotFound, providerNotAvailable } from "./library-errors.js";
import { appendLibraryEvent } from "./library-events.js";
import { MAX_BATCH_ITEMS, MAX_MEDIA_NAME } from "./library-limits.js";
import { findMediaMany, liveMedia, type MediaRow, toMediaView } from "./library-rows.js";
import { normalizeDescription, normalizeItemName } from "./library-text.js";
import type { Anchor, MediaView, Scope } from "./library-types.js";
import { requireStaticPlaylist } from "./playlist-commands.js";
import { allocatePositions, assertScopeHasRoom, lockLibraryTree, lockScope } from "./scope-ordering.js";
import { checkExpectedVersion } from "./version-guard.js";

/** A media source as sent; anything but a direct URL is a provider of a later phase. */
export type MediaSourceInput =
  | { provider: "direct_url"; config: DirectUrlSourceInput }
  | { provider: "unavailable"; name: string };

export interface NewMediaInput {
  name: string;
  description: string;
  providerInstanceName: string;
  source: MediaSourceInput;
}

export interface AddMediaInput {
  roomId: number;
  playlistId: number | null;
  items: readonly NewMediaInput[];
}

export type MediaPatchField =
  | "name"
  | "description"
  | "source_config"
  | "provider_instance_name"
  | "playback_proxy_mode";

export interface EditMediaInput {
  roomId: number;
  mediaId: number;
  mask: readonly MediaPatchField[];
  name?: string;
  description?: string;
  source?: MediaSourceInput;
  providerInstanceName?: string;
  proxyMode?: ProxyMode;
  expectedVersion?: number;
}

export interface MoveMediaInput {
  roomId: number;
  selection: { mediaIds: readonly number[] } | { allFromScope: number | null };
  targetPlaylistId: number | null;
  anchor: Anchor;
}

interface PreparedMedia {
  name: string;
  description: string;
  source: DirectUrlSource;
}

export class MediaCommands {
  constructor(private readonly deps: LibraryDeps) {}

  /** AddMedia and AddMediaBatch: every item is validated first, then all are written in one transaction. */
  async add(actor: Actor, input: AddMediaInput): Promise<MediaView[]> {
    if (input.items.length < 1 || input.items.length > MAX_BATCH_ITEMS) {
      throw invalidArgument(`Add 1–${MAX_BATCH_ITEMS} items at a time`);
    }
    const prepared = input.items.map((item) => this.#prepare(item));
    return this.deps.writer.run(async (tx, events) => {
      const lib = await enterLibrary(this.deps.access, actor, input.roomId, "manage_own_media", {
        read: false,
        db: tx,
      });
      const scope: Scope = { roomId: input.roomId, playlistId: input.playlistId };
      await lockLibraryTree(tx, input.roomId, "shared");
      await lockScope(tx, scope);
      if (input.playlistId !== null) await requireStaticPlaylist(tx, input.roomId, input.playlistId);
      await assertScopeHasRoom(tx, scope, prepared.length);
      const positions = (await allocatePositions(tx, "media", scope, null, prepared.length)) ?? [];
      const rows = await tx
        .insert(media)
        .values(
          prepared.map((p, i) => ({
            roomId: input.roomId,
            playlistId: input.playlistId,
            creatorId: lib.userId,
            name: p.name,
            description: p.description,
            position: positions[i] ?? 0,
            sourceProvider: SourceProvider.directUrl,
            sourceConfig: p.source as unknown as JsonObject,
          })),
        )
        .returning({ id: media.id });
      const ids = rows.map((r) => r.id);
      await appendLibraryEvent(events, {
        roomId: input.roomId,
        actorUserId: lib.userId,
        type: "media.added",
        mediaIds: ids,
        scopes: [input.playlistId],
      });
      return (await ordered(tx, input.roomId, ids)).map((row) => toMediaView(row, lib.userId));
    });
  }

  async edit(actor: Actor, input: EditMediaInput): Promise<MediaView> {
    const masked = new Set(input.mask);
    const name = masked.has("name") ? normalizeItemName(input.name ?? "", MAX_MEDIA_NAME) : undefined;
    const description = masked.has("description") ? normalizeDescription(input.description ?? "") : undefined;
    if (masked.has("provider_instance_name") && (input.providerInstanceName ?? "") !== "") {
      throw providerNotAvailable("Provider instances");
    }
    let source: DirectUrlSource | undefined;
    if (masked.has("source_config")) {
      if (!input.source) throw invalidArgument("source_config is required");
      source = this.#source(input.source);
    }
    return this.deps.writer.run(async (tx, events) => {
      const lib = await enterLibrary(this.deps.access, actor, input.roomId, null, { read: false, db: tx });
      const [current] = await tx
        .select({
          creatorId: media.creatorId,
          version: media.version,
          provider: media.sourceProvider,
          config: media.sourceConfig,
        })
        .from(media)
        .where(liveMedia(input.roomId, input.mediaId))
        .for("update");
      if (!current) throw mediaNotFound();
      requireEditable(lib, current.creatorId);
      checkExpectedVersion(current.version, input.expectedVersion);
      if (masked.has("playback_proxy_mode")) {
        // The proxy mode lives inside the source config (direct_url.proxyMode).
        const base = source ?? parseDirectUrlSource(current.config);
        source = { ...base, proxyMode: input.proxyMode ?? "auto" };
      }
      await tx
        .update(media)
        .set({
          ...(name === undefined ? {} : { name }),
          ...(description === undefined ? {} : { description }),
          ...(source === undefined ? {} : { sourceConfig: source as unknown as JsonObject }),
          version: sql`${media.version} + 1`,
        })
        .where(eq(media.id, input.mediaId));
      await appendLibraryEvent(events, {
        roomId: input.roomId,
        actorUserId: lib.userId,
        type: "media.edited",
        mediaIds: [input.mediaId],
      });
      const [row] = await ordered(tx, input.roomId, [input.mediaId]);
      if (!row) throw mediaNotFound();
      return toMediaView(row, lib.userId);
    });
  }

  async move(actor: Actor, input: MoveMediaInput): Promise<MediaView[]> {
    if ("mediaIds" in input.selection && input.selection.mediaIds.length > MAX_BATCH_ITEMS) {
      throw invalidArgument(`Move at most ${MAX_BATCH_ITEMS} items by id`);
    }
    return this.deps.writer.run(async (tx, events) => {
      const lib = await enterLibrary(this.deps.access, actor, input.roomId, "reorder_media", { read: false, db: tx });
      const target: Scope = { roomId: input.roomId, playlistId: input.targetPlaylistId };
      await lockLibraryTree(tx, input.roomId, "shared");
      await lockScope(tx, target);
      if (input.targetPlaylistId !== null) await requireStaticPlaylist(tx, input.roomId, input.targetPlaylistId);
      const moving = await this.#selection(tx, input);
      if (moving.length === 0) return [];
      const ids = moving.map((m) => m.id);
      if (input.anchor !== null) {
        const anchorId = "before" in input.anchor ? input.anchor.before : input.anchor.after;
        if (ids.includes(anchorId)) throw invalidArgument("The anchor cannot be one of the moved items");
      }
      await assertScopeHasRoom(tx, target, moving.filter((m) => m.playlistId !== input.targetPlaylistId).length);
      const positions = await allocatePositions(tx, "media", target, input.anchor, moving.length, ids);
      if (positions === null) throw notFound("Anchor media not found in the target playlist");
      for (const [i, m] of moving.entries()) {
        await tx
          .update(media)
          .set({ playlistId: input.targetPlaylistId, position: positions[i] ?? 0, version: sql`${media.version} + 1` })
          .where(eq(media.id, m.id));
      }
      await appendLibraryEvent(events, {
        roomId: input.roomId,
        actorUserId: lib.userId,
        type: "media.moved",
        mediaIds: ids,
        scopes: [...moving.map((m) => m.playlistId), input.targetPlaylistId],
      });
      return (await ordered(tx, input.roomId, ids)).map((row) => toMediaView(row, lib.userId));
    });
  }

  /** The moved rows in their current relative order (position, then id). */
  async #selection(tx: DbTransaction, input: MoveMediaInput): Promise<MediaRow[]> {
    if ("mediaIds" in input.selection) {
      const wanted = [...new Set(input.selection.mediaIds)];
      const rows = await findMediaMany(tx, input.roomId, wanted);
      if (rows.length !== wanted.length) throw mediaNotFound();
      return rows.sort(byPosition);
    }
    const scopeId = input.selection.allFromScope;
    if (scopeId !== null) await requireStaticPlaylist(tx, input.roomId, scopeId);
    const rows = await tx
      .select({ id: media.id })
      .from(media)
      .where(
        sql`${media.roomId} = ${input.roomId} AND ${media.deletedAt} IS NULL AND ${
          scopeId === null ? sql`${media.playlistId} IS NULL` : sql`${media.playlistId} = ${scopeId}`
        }`,
      );
    return (
      await findMediaMany(
        tx,
        input.roomId,
        rows.map((r) => r.id),
      )
    ).sort(byPosition);
  }

  #prepare(item: NewMediaInput): PreparedMedia {
    if (item.providerInstanceName !== "") throw providerNotAvailable("Provider instances");
    const source = this.#source(item.source);
    const first = source.medias[source.defaultMediaIndex] ?? source.medias[0];
    const fallback = first?.name || "Untitled";
    return {
      name: normalizeItemName(item.name.trim() === "" ? fallback.slice(0, MAX_MEDIA_NAME) : item.name, MAX_MEDIA_NAME),
      description: normalizeDescription(item.description),
      source,
    };
  }

  #source(input: MediaSourceInput): DirectUrlSource {
    if (input.provider !== "direct_url") throw providerNotAvailable(`The ${input.name} provider`);
    return normalizeDirectUrlSource(input.config, this.deps.ssrf);
  }
}

function byPosition(a: MediaRow, b: MediaRow): number {
  return a.position - b.position || a.id - b.id;
}

/** Rows for `ids`, in scope order. */
async function ordered(tx: DbTransaction, roomId: number, ids: readonly number[]): Promise<MediaRow[]> {
  if (ids.length === 0) return [];
  const rows = await findMediaMany(tx, roomId, ids);
  return rows.sort(byPosition);
}
