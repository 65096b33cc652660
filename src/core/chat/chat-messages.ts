// SendChatMessage, EditChatMessage and DeleteChatMessage (spec 02 §3.6, §2.8; 06 §4.3): the rules, in
// one transaction each through the observable writer. The RPC and the realtime `chat` command both
// call `send`, so content rules, idempotency and the 10/s budget are the same on both transports.
import type { DbTransaction } from "../../infra/db/database-port.js";
import type { RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import type { JsonObject } from "../../infra/db/schema/index.js";
import type { Actor } from "../actor.js";
import { guestNotAllowed } from "../auth/auth-errors.js";
import {
  AppCode,
  alreadyExists,
  conflict,
  DomainError,
  failedPrecondition,
  notFound,
  permissionDenied,
} from "../errors.js";
import { usernameOf } from "../members/member-views.js";
import { type RoomContext, requireMember, requirePermission } from "../rooms/room-access.js";
import { normalizeChatContent, requestHash } from "./chat-content.js";
import type { ChatDeps } from "./chat-deps.js";
import {
  claimOperationKey,
  claimSendKey,
  completeOperationKey,
  completeSendKey,
  findChatMessage,
  type IdempotencyClaim,
  type OperationKey,
  updateChatMessage,
  viewOfRow,
} from "./chat-message-repository.js";
import type { ChatEventView, ChatMessageRef } from "./chat-message-view.js";
import { appendChatMessageEvent, createChatMessage, playbackStampOf } from "./chat-message-writes.js";

export interface SendChatInput {
  content: string;
  clientMessageId: string;
  replyTo: ChatMessageRef | null;
  /** scroll | top | bottom | '' */
  displayPosition: string;
  /** #RRGGBB | '' */
  displayColor: string;
}

export interface EditChatInput {
  message: ChatMessageRef;
  content: string;
  expectedVersion: number;
  clientOperationId?: string;
}

export interface DeleteChatInput {
  message: ChatMessageRef;
  expectedVersion?: number;
  reason: string;
  clientOperationId?: string;
}

/** deletion_source of a chat row (06 §2): removed by its author, or by a room moderator. */
const DELETED_BY_AUTHOR = 5;
const DELETED_BY_ROOM = 4;

const keyReused = () =>
  alreadyExists("Idempotency key reused with a different request", { code: AppCode.IDEMPOTENCY_KEY_REUSED });

export class ChatMessages {
  constructor(private readonly deps: ChatDeps) {}

  /** Posts a user message; a retry with the same client_message_id and request returns the original event. */
  async send(actor: Actor, roomId: number, input: SendChatInput): Promise<ChatEventView> {
    const content = normalizeChatContent(input.content);
    const { access, clock, writer, budget, partitions, settings } = this.deps;
    if (actor.kind !== "user") {
      // Guests never send (04 §9.1): the gate still answers first, so a foreign room stays 4001/404.
      const ctx = await access.enter(actor, roomId);
      requirePermission(ctx, "send_chat_messages");
      throw guestNotAllowed("Only members can send chat messages");
    }
    const hash = requestHash({
      content: input.content,
      reply_to: input.replyTo ? `${input.replyTo.id}:${input.replyTo.createdAtMs}` : "",
      display_position: input.displayPosition,
      display_color: input.displayColor,
    });
    await budget.consume(roomId, actor.userId);
    await partitions.ensure(clock.now());
    const key = { roomId, userId: actor.userId, clientMessageId: input.clientMessageId };
    return writer.run(async (tx, events) => {
      const now = clock.now();
      // First statement of the transaction (06 §4.3): claim the key or find the committed claim.
      const claim = await claimSendKey(tx, key, hash, new Date(now));
      const replay = replayed(claim, hash);
      if (replay) return replay;

      const ctx = await access.enter(actor, roomId, { db: tx, lockMember: "share" });
      requirePermission(ctx, "send_chat_messages");
      requireMember(ctx);
      if (input.replyTo) await assertReplyTarget(tx, roomId, input.replyTo);
      const display =
        input.displayPosition === "" && input.displayColor === ""
          ? null
          : { position: input.displayPosition, color: input.displayColor.toLowerCase() };
      const { event } = await createChatMessage(
        tx,
        events,
        {
          roomId,
          userId: actor.userId,
          clientMessageId: input.clientMessageId,
          content,
          messageType: "USER",
          replyTo: input.replyTo,
          display,
          playback: await playbackStampOf(tx, roomId, now),
          metadata: { kind: "user" },
          createdAt: new Date(now),
        },
        await this.#username(tx, actor.userId),
        settings.current().chat.maxMessagesPerRoom,
      );
      await completeSendKey(tx, key, { message: event.message, eventId: event.eventId, result: eventJson(event) });
      return event;
    });
  }

  /** Replaces the text of the caller's own user message (expected_version required by the contract). */
  async edit(actor: Actor, roomId: number, input: EditChatInput): Promise<ChatEventView> {
    const content = normalizeChatContent(input.content);
    const hash = requestHash({
      message: `${input.message.id}:${input.message.createdAtMs}`,
      content: input.content,
      expected_version: input.expectedVersion,
    });
    return this.#operation(actor, roomId, "edit", input.clientOperationId, hash, async (tx, ctx, events) => {
      const member = requireMember(ctx);
      const row = await findChatMessage(tx, roomId, input.message, { forUpdate: true });
      if (!row) throw notFound("Chat message not found");
      if (row.messageType !== 1) throw failedPrecondition("System messages cannot be edited");
      if (row.userId !== member.userId) throw permissionDenied("Only the author can edit a message");
      if (row.status === 3) throw failedPrecondition("Deleted messages cannot be edited");
      if (row.version !== input.expectedVersion) throw versionConflict(row.version);
      const updated = await updateChatMessage(tx, roomId, input.message, input.expectedVersion, {
        content,
        status: 2,
        editedAt: new Date(this.deps.clock.now()),
      });
      if (!updated) throw versionConflict(row.version);
      const view = viewOfRow(updated, await this.#username(tx, member.userId));
      return appendChatMessageEvent(events, "EDITED", view, member.userId);
    });
  }

  /** Soft delete: the author's own message, or any with delete_chat_messages; content is hidden afterwards. */
  async delete(actor: Actor, roomId: number, input: DeleteChatInput): Promise<ChatEventView> {
    const hash = requestHash({
      message: `${input.message.id}:${input.message.createdAtMs}`,
      expected_version: input.expectedVersion ?? null,
      reason: input.reason,
    });
    return this.#operation(actor, roomId, "delete", input.clientOperationId, hash, async (tx, ctx, events) => {
      const row = await findChatMessage(tx, roomId, input.message, { forUpdate: true });
      if (!row) throw notFound("Chat message not found");
      const actorUserId = ctx.member?.userId ?? null;
      const isAuthor = actorUserId !== null && row.userId === actorUserId && row.messageType === 1;
      if (!isAuthor) requirePermission(ctx, "delete_chat_messages");
      if (row.status === 3) throw failedPrecondition("The message is already deleted");
      if (input.expectedVersion !== undefined && row.version !== input.expectedVersion) {
        throw versionConflict(row.version);
      }
      // The row is locked FOR UPDATE, so the version read is the one the update sees.
      const updated = await updateChatMessage(tx, roomId, input.message, row.version, {
        content: "",
        status: 3,
        deletedAt: new Date(this.deps.clock.now()),
        deletedBy: actorUserId,
        deleteReason: input.reason,
        deletionSource: isAuthor ? DELETED_BY_AUTHOR : DELETED_BY_ROOM,
      });
      if (!updated) throw versionConflict(row.version);
      const names = updated.userId === null ? "" : await this.#username(tx, updated.userId);
      return appendChatMessageEvent(events, "DELETED", viewOfRow(updated, names), actorUserId);
    });
  }

  /** Edit/delete: optional client_operation_id key first, then the gate (strong, in the transaction). */
  async #operation(
    actor: Actor,
    roomId: number,
    kind: "edit" | "delete",
    clientOperationId: string | undefined,
    hash: string,
    apply: (tx: DbTransaction, ctx: RoomContext, events: RoomEventRecorder) => Promise<ChatEventView>,
  ): Promise<ChatEventView> {
    const { access, clock, writer } = this.deps;
    try {
      return await writer.run(async (tx, events) => {
        let key: OperationKey | null = null;
        if (clientOperationId && actor.kind === "user") {
          key = { roomId, userId: actor.userId, operationKind: kind, clientOperationId };
          const claim = await claimOperationKey(tx, key, hash, new Date(clock.now()));
          const replay = replayed(claim, hash);
          if (replay) return replay;
        }
        const ctx = await access.enter(actor, roomId, { db: tx, lockMember: "share" });
        const event = await apply(tx, ctx, events);
        if (key) {
          await completeOperationKey(tx, key, {
            message: event.message,
            eventId: event.eventId,
            result: eventJson(event),
          });
        }
        return event;
      });
    } catch (error) {
      throw withOperationId(error, clientOperationId);
    }
  }

  #username(tx: DbTransaction, userId: number): Promise<string> {
    return usernameOf(tx, userId);
  }
}

/** A committed claim: same request → its first event; another request → 2101. */
function replayed(claim: IdempotencyClaim, hash: string): ChatEventView | null {
  if (claim.fresh) return null;
  if (claim.requestHash !== hash) throw keyReused();
  if (claim.result === null) throw new Error("a committed idempotency key has no result");
  return claim.result as unknown as ChatEventView;
}

function eventJson(event: ChatEventView): JsonObject {
  return JSON.parse(JSON.stringify(event)) as JsonObject;
}

async function assertReplyTarget(tx: DbTransaction, roomId: number, ref: ChatMessageRef): Promise<void> {
  // (room_id, id, created_at): a message of another room is simply not found here (and the FK agrees).
  const target = await findChatMessage(tx, roomId, ref);
  if (!target || target.status === 3) throw notFound("The message replied to does not exist");
}

const versionConflict = (current: number) =>
  conflict("The message changed meanwhile", { metadata: { current_version: String(current) } });

/** The operation id travels back in ErrorInfo (02 §2.8). */
function withOperationId(error: unknown, clientOperationId: string | undefined): unknown {
  if (!clientOperationId || !(error instanceof DomainError) || error.clientOperationId !== "") return error;
  return new DomainError(error.kind, error.message, {
    code: error.code,
    metadata: error.metadata,
    fieldViolations: error.fieldViolations,
    retryAfterMs: error.retryAfterMs,
    clientOperationId,
    cause: error,
  });
}
