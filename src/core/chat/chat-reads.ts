// GetChatHistory and GetChatMessage (spec 02 §3.6, §2.6): perm view_chat_history (members keep it in
// banned or closed rooms). History pages newest first on the (created_at, id) keyset, so concurrent
// sends never shift a page; `eventCursor` is the chat room_seq read BEFORE the page (gap-free hand-off).
import type { Actor } from "../actor.js";
import { invalidArgument, notFound } from "../errors.js";
import { requirePermission } from "../rooms/room-access.js";
import type { ChatDeps } from "./chat-deps.js";
import {
  authorNames,
  chatEventWatermark,
  findChatMessage,
  type HistoryKey,
  historyPage,
  viewOfRow,
} from "./chat-message-repository.js";
import type { ChatMessageRef, ChatMessageType, ChatMessageView } from "./chat-message-view.js";

export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_HISTORY_LIMIT = 100;

export interface HistoryQuery {
  cursor: string;
  /** 0 → 50, max 100. */
  limit: number;
  /** Empty = USER only. */
  types: readonly ChatMessageType[];
}

export interface HistoryPage {
  messages: ChatMessageView[];
  nextCursor: string;
  eventCursor: number;
}

export class ChatReads {
  constructor(private readonly deps: ChatDeps) {}

  async history(actor: Actor, roomId: number, query: HistoryQuery): Promise<HistoryPage> {
    const ctx = await this.deps.access.enter(actor, roomId, { exception: "member-read" });
    requirePermission(ctx, "view_chat_history");
    const types: ChatMessageType[] = query.types.length === 0 ? ["USER"] : [...new Set(query.types)].sort();
    const limit = query.limit <= 0 ? DEFAULT_HISTORY_LIMIT : Math.min(query.limit, MAX_HISTORY_LIMIT);
    const before = query.cursor === "" ? null : decodeHistoryCursor(query.cursor, roomId, types);
    const db = this.deps.database.db;
    // The watermark first: every event at or below it is already reflected in what we read next.
    const eventCursor = await chatEventWatermark(db, roomId);
    const rows = await historyPage(db, roomId, types, before, limit + 1);
    const page = rows.slice(0, limit);
    const names = await authorNames(db, page);
    const last = page[page.length - 1];
    return {
      messages: page.map((row) => viewOfRow(row, row.userId === null ? "" : (names.get(row.userId) ?? ""))),
      nextCursor:
        rows.length > limit && last
          ? encodeHistoryCursor(roomId, types, { createdAtMs: last.createdAt.getTime(), id: last.id })
          : "",
      eventCursor,
    };
  }

  async message(actor: Actor, roomId: number, ref: ChatMessageRef, includeDeleted: boolean): Promise<ChatMessageView> {
    const ctx = await this.deps.access.enter(actor, roomId, { exception: "member-read" });
    requirePermission(ctx, "view_chat_history");
    const db = this.deps.database.db;
    const row = await findChatMessage(db, roomId, ref);
    if (!row || (row.status === 3 && !includeDeleted)) throw notFound("Chat message not found");
    const names = await authorNames(db, [row]);
    return viewOfRow(row, row.userId === null ? "" : (names.get(row.userId) ?? ""));
  }
}

// Cursor: base64url JSON {r: room, q: message types, t: created_at ms, i: id}, bound to room and query.
function encodeHistoryCursor(roomId: number, types: readonly ChatMessageType[], key: HistoryKey): string {
  return Buffer.from(JSON.stringify({ r: roomId, q: types.join(","), t: key.createdAtMs, i: key.id }), "utf8").toString(
    "base64url",
  );
}

function decodeHistoryCursor(cursor: string, roomId: number, types: readonly ChatMessageType[]): HistoryKey {
  const invalid = () =>
    invalidArgument("Invalid cursor", {
      fieldViolations: [{ field: "cursor", rule: "valid", description: "use a next_cursor of this query" }],
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const c = parsed as { r?: unknown; q?: unknown; t?: unknown; i?: unknown };
  if (
    c === null ||
    typeof c !== "object" ||
    c.r !== roomId ||
    c.q !== types.join(",") ||
    !Number.isSafeInteger(c.t) ||
    !Number.isSafeInteger(c.i) ||
    (c.t as number) < 0 ||
    (c.i as number) < 1
  ) {
    throw invalid();
  }
  return { createdAtMs: c.t as number, id: c.i as number };
}
