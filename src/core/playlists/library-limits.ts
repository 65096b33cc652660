// Size limits of the room library (spec 02 §3.4): items per scope and per batch.

/** Live playlists plus media directly inside one playlist or the root (3001 beyond). */
export const MAX_ITEMS_PER_SCOPE = 1000;

/** AddMediaBatch, MoveMedia by ids and DeleteEntries take at most this many ids. */
export const MAX_BATCH_ITEMS = 100;

export const MAX_PLAYLIST_NAME = 255;
export const MAX_MEDIA_NAME = 500;
export const MAX_DESCRIPTION = 5000;

/** Page-style pagination (02 §2.6): page 0 means 1, page_size 0 means 20, at most 100. */
export function pageRequest(page: number, pageSize: number): { page: number; pageSize: number } {
  return { page: page <= 0 ? 1 : page, pageSize: pageSize <= 0 ? 20 : Math.min(pageSize, 100) };
}
