// What an account deletion does in rooms the account does not own (spec 06 §4.8, 04 §7.4): its
// playlists and media are soft-deleted (others' children move up to the nearest surviving ancestor,
// playback resets if its source went), its chat messages are soft-deleted keeping their text, and its
// memberships end with the member event that closes its connections. All in the caller's transaction.
import { and, eq, inArray, isNull, ne, notInArray, sql } from "drizzle-orm";
import type { DbTransaction } from "../../infra/db/database-port.js";
import type { RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import { chatMessages } from "../../infra/db/partitions/chat-messages-table.js";
import { ChatMessageState, DeletionSource, media, playlists, roomMembers } from "../../infra/db/schema/index.js";
import { viewOfRow } from "../chat/chat-message-repository.js";
import { appendChatMessageEvent } from "../chat/chat-message-writes.js";
import { removeMember } from "../members/member-removal.js";
import { lockMemberSlot } from "../members/membership-rows.js";
import { appendLibraryEvent } from "../playlists/library-events.js";
import { lockPlayingSource, resetPlaybackToNone } from "../playlists/playback-source-reset.js";
import { lockLibraryTree } from "../playlists/scope-ordering.js";

export interface ContentRemovalInput {
  userId: number;
  username: string;
  /** Who deletes the account; null for the management plane. */
  actorUserId: number | null;
  /** Rooms deleted with the account: their content stays as it is and returns with them. */
  ownedRoomIds: readonly number[];
  now: number;
}

export interface ContentRemovalCounts {
  removedMemberships: number;
  deletedPlaylists: number;
  deletedMedia: number;
  deletedChatMessages: number;
}

/** Reason carried by the member event of a membership ended by account deletion. */
export const ACCOUNT_DELETED_REASON = "account deleted";

export async function removeContentElsewhere(
  tx: DbTransaction,
  events: RoomEventRecorder,
  input: ContentRemovalInput,
): Promise<ContentRemovalCounts> {
  const outside = (column: typeof playlists.roomId | typeof media.roomId | typeof roomMembers.roomId) =>
    input.ownedRoomIds.length === 0 ? undefined : notInArray(column, [...input.ownedRoomIds]);

  const libraryRooms = new Set<number>();
  for (const r of await tx
    .select({ roomId: playlists.roomId })
    .from(playlists)
    .where(and(eq(playlists.creatorId, input.userId), isNull(playlists.deletedAt), outside(playlists.roomId))))
    libraryRooms.add(r.roomId);
  for (const r of await tx
    .select({ roomId: media.roomId })
    .from(media)
    .where(and(eq(media.creatorId, input.userId), isNull(media.deletedAt), outside(media.roomId))))
    libraryRooms.add(r.roomId);

  let deletedPlaylists = 0;
  let deletedMedia = 0;
  for (const roomId of [...libraryRooms].sort((a, b) => a - b)) {
    const counts = await removeLibraryItems(tx, events, roomId, input);
    deletedPlaylists += counts.playlists;
    deletedMedia += counts.media;
  }

  const deletedChatMessages = await removeChatMessages(tx, events, input);

  const memberships = await tx
    .select({ roomId: roomMembers.roomId })
    .from(roomMembers)
    .where(and(eq(roomMembers.userId, input.userId), outside(roomMembers.roomId)));
  let removedMemberships = 0;
  for (const { roomId } of memberships.sort((a, b) => a.roomId - b.roomId)) {
    await lockMemberSlot(tx, roomId, input.userId);
    const removed = await removeMember(tx, events, {
      kind: "kicked",
      roomId,
      userId: input.userId,
      actorUserId: input.actorUserId,
      now: input.now,
      reason: ACCOUNT_DELETED_REASON,
    });
    if (removed) removedMemberships++;
  }
  return { removedMemberships, deletedPlaylists, deletedMedia, deletedChatMessages };
}

/** The account's playlists and media in one room, under that room's library tree lock. */
async function removeLibraryItems(
  tx: DbTransaction,
  events: RoomEventRecorder,
  roomId: number,
  input: ContentRemovalInput,
): Promise<{ playlists: number; media: number }> {
  await lockLibraryTree(tx, roomId, "exclusive");
  const tree = await tx
    .select({ id: playlists.id, parentId: playlists.parentId, creatorId: playlists.creatorId })
    .from(playlists)
    .where(and(eq(playlists.roomId, roomId), isNull(playlists.deletedAt)));
  const parentOf = new Map(tree.map((p) => [p.id, p.parentId]));
  const doomedPlaylists = new Set(tree.filter((p) => p.creatorId === input.userId).map((p) => p.id));
  const doomedMedia = (
    await tx
      .select({ id: media.id })
      .from(media)
      .where(and(eq(media.roomId, roomId), eq(media.creatorId, input.userId), isNull(media.deletedAt)))
  ).map((m) => m.id);

  // Others' children of a deleted playlist move to its nearest surviving ancestor (null = the root).
  const survivor = (parent: number | null): number | null => {
    let at = parent;
    while (at !== null && doomedPlaylists.has(at)) at = parentOf.get(at) ?? null;
    return at;
  };
  const scopes = new Set<number | null>();
  for (const p of tree) {
    if (doomedPlaylists.has(p.id) || p.parentId === null || !doomedPlaylists.has(p.parentId)) continue;
    const target = survivor(p.parentId);
    scopes.add(target);
    await tx
      .update(playlists)
      .set({ parentId: target, version: sql`${playlists.version} + 1` })
      .where(eq(playlists.id, p.id));
  }
  if (doomedPlaylists.size > 0) {
    const orphans = await tx
      .select({ id: media.id, playlistId: media.playlistId })
      .from(media)
      .where(
        and(
          eq(media.roomId, roomId),
          inArray(media.playlistId, [...doomedPlaylists]),
          ne(media.creatorId, input.userId),
          isNull(media.deletedAt),
        ),
      );
    for (const m of orphans) {
      const target = survivor(m.playlistId);
      scopes.add(target);
      await tx
        .update(media)
        .set({ playlistId: target, version: sql`${media.version} + 1` })
        .where(eq(media.id, m.id));
    }
  }

  const playing = await lockPlayingSource(tx, roomId);
  const hit =
    playing !== null &&
    ((playing.mediaId !== null && doomedMedia.includes(playing.mediaId)) ||
      (playing.playlistId !== null && doomedPlaylists.has(playing.playlistId)));
  if (hit) await resetPlaybackToNone(tx, events, roomId, input.actorUserId);

  const stamp = {
    deletedAt: new Date(input.now),
    deletionSource: DeletionSource.account,
    deletedBy: input.actorUserId,
    deletedOwnerId: input.userId,
  };
  if (doomedMedia.length > 0) {
    await tx
      .update(media)
      .set({ ...stamp, version: sql`${media.version} + 1` })
      .where(inArray(media.id, doomedMedia));
  }
  if (doomedPlaylists.size > 0) {
    await tx
      .update(playlists)
      .set({ ...stamp, version: sql`${playlists.version} + 1` })
      .where(inArray(playlists.id, [...doomedPlaylists]));
  }
  await appendLibraryEvent(events, {
    roomId,
    actorUserId: input.actorUserId,
    type: "entries.deleted",
    playlistIds: [...doomedPlaylists],
    mediaIds: doomedMedia,
    scopes: [...scopes],
    playbackReset: hit,
  });
  return { playlists: doomedPlaylists.size, media: doomedMedia.length };
}

/**
 * The account's live chat messages outside its own rooms: status deleted, the text kept in the row
 * (readers never show a deleted message's content), one `chat.deleted` event each so open histories
 * update. Retention keeps at most `chat.maxMessagesPerRoom` per room, which bounds the event count.
 */
async function removeChatMessages(
  tx: DbTransaction,
  events: RoomEventRecorder,
  input: ContentRemovalInput,
): Promise<number> {
  const rows = await tx
    .update(chatMessages)
    .set({
      status: ChatMessageState.deleted,
      deletedAt: new Date(input.now),
      deletedBy: input.actorUserId,
      deletionSource: DeletionSource.account,
      deletedOwnerId: input.userId,
      version: sql`${chatMessages.version} + 1`,
    })
    .where(
      and(
        eq(chatMessages.userId, input.userId),
        ne(chatMessages.status, ChatMessageState.deleted),
        input.ownedRoomIds.length === 0 ? undefined : notInArray(chatMessages.roomId, [...input.ownedRoomIds]),
      ),
    )
    .returning();
  rows.sort((a, b) => a.roomId - b.roomId || a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  for (const row of rows) {
    await appendChatMessageEvent(events, "DELETED", viewOfRow(row, input.username), input.actorUserId);
  }
  return rows.length;
}
