// ChatService (spec 02 §3.6, P1 rows): transport only. Ids and enums are decoded here; every rule lives
// in core/chat, whose ChatMessages.send is the one send path shared with the realtime `chat` command.
import type { ServiceImpl } from "@connectrpc/connect";
import type { ChatService } from "../../../gen/synctv/v1/chat_service_pb.js";
import type { ChatDomain } from "../../core/chat/chat-domain.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import { callerOf } from "../caller.js";
import { chatMessageRefOf, chatMessageTypesOf, toChatMessage, toChatMessageEvent } from "../mappers/chat.js";

export interface ChatHandlerDeps {
  chat: ChatDomain;
  ids: PublicIdCodec;
}

export function chatServiceImpl(deps: ChatHandlerDeps): Partial<ServiceImpl<typeof ChatService>> {
  const { chat, ids } = deps;
  const roomIdOf = (publicId: string) => ids.decode("room", publicId);
  const opId = (id: string) => (id === "" ? {} : { clientOperationId: id });

  return {
    async sendChatMessage(req, ctx) {
      const event = await chat.messages.send(await callerOf(ctx), roomIdOf(req.roomId), {
        content: req.content,
        clientMessageId: req.clientMessageId,
        replyTo: req.replyToMessageId === "" ? null : chatMessageRefOf(ids, req.replyToMessageId),
        displayPosition: req.displayPosition,
        displayColor: req.displayColor,
      });
      return { event: toChatMessageEvent(event, ids) };
    },
    async editChatMessage(req, ctx) {
      const event = await chat.messages.edit(await callerOf(ctx), roomIdOf(req.roomId), {
        message: chatMessageRefOf(ids, req.messageId),
        content: req.content,
        expectedVersion: Number(req.expectedVersion ?? 0n),
        ...opId(req.clientOperationId),
      });
      return { event: toChatMessageEvent(event, ids) };
    },
    async deleteChatMessage(req, ctx) {
      const event = await chat.messages.delete(await callerOf(ctx), roomIdOf(req.roomId), {
        message: chatMessageRefOf(ids, req.messageId),
        reason: req.reason,
        ...(req.expectedVersion === undefined ? {} : { expectedVersion: Number(req.expectedVersion) }),
        ...opId(req.clientOperationId),
      });
      return { event: toChatMessageEvent(event, ids) };
    },
    async getChatHistory(req, ctx) {
      const page = await chat.reads.history(await callerOf(ctx), roomIdOf(req.roomId), {
        cursor: req.cursor,
        limit: req.limit,
        types: chatMessageTypesOf(req.includeMessageTypes),
      });
      return {
        messages: page.messages.map((m) => toChatMessage(m, ids)),
        nextCursor: page.nextCursor,
        eventCursor: BigInt(page.eventCursor),
      };
    },
    async getChatMessage(req, ctx) {
      const message = await chat.reads.message(
        await callerOf(ctx),
        roomIdOf(req.roomId),
        chatMessageRefOf(ids, req.messageId),
        req.includeDeleted,
      );
      return { message: toChatMessage(message, ids) };
    },
  };
}
