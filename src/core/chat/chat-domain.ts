// Builds the chat domain for the composition root: message writes (RPC and realtime share them), reads,
// and the system-message hooks handed to membership and playback.
import type { ChatDeps } from "./chat-deps.js";
import { ChatMessages } from "./chat-messages.js";
import { ChatReads } from "./chat-reads.js";
import { ChatSystemMessages } from "./chat-system-messages.js";

export interface ChatDomain {
  messages: ChatMessages;
  reads: ChatReads;
  system: ChatSystemMessages;
}

export function createChatDomain(deps: ChatDeps): ChatDomain {
  return {
    messages: new ChatMessages(deps),
    reads: new ChatReads(deps),
    system: new ChatSystemMessages(deps),
  };
}
