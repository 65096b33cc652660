// The chat send budget (spec 02 §2.9, 05 §5.3): `messaging_rate_limits.chat_messages_per_second`
// (default 10) per user per room, shared by the RPC and the realtime `chat` command because both call
// the same core send. The named scope `room_chat` in request_rate_limits.scopes may override or disable it.
import type { Clock } from "../../infra/clock.js";
import type { ShortLivedStore } from "../../infra/store/types.js";
import type { RequestRateLimits } from "../abuse/rate-limit-policy.js";
import { StoreWithFallback } from "../abuse/store-fallback.js";
import { rateLimited } from "../errors.js";

export const CHAT_RATE_SCOPE = "room_chat";

export interface ChatRateLimiterOptions {
  store: ShortLivedStore;
  fallback: ShortLivedStore;
  clock: Clock;
  messagesPerSecond: number;
  /** `request_rate_limits`, for the `room_chat` scope override. */
  limits?: RequestRateLimits;
  onFallback?: (label: string) => void;
  failClosed?: boolean;
}

export interface ChatSendBudget {
  consume(roomId: number, userId: number): Promise<void>;
}

export class ChatRateLimiter implements ChatSendBudget {
  readonly #stores: StoreWithFallback;
  readonly #max: number;
  readonly #windowSeconds: number;
  readonly #enabled: boolean;

  constructor(options: ChatRateLimiterOptions) {
    this.#stores = new StoreWithFallback(options);
    const override = options.limits?.scopes[CHAT_RATE_SCOPE];
    this.#enabled = override?.strategy !== "disabled";
    this.#max = override?.max_requests ?? options.messagesPerSecond;
    this.#windowSeconds = override?.window_seconds ?? 1;
  }

  /** Spends one message of the (room, user) budget or throws RATE_LIMITED (2002) with retry_after_ms. */
  async consume(roomId: number, userId: number): Promise<void> {
    if (!this.#enabled) return;
    const key = `ratelimit:${CHAT_RATE_SCOPE}:${this.#windowSeconds}s:room:${roomId}:user:${userId}`;
    const hit = await this.#stores.run(CHAT_RATE_SCOPE, (store) =>
      store.hitWindow(key, this.#windowSeconds * 1000, this.#max),
    );
    if (!hit.allowed) {
      throw rateLimited(hit.retryAfterMs, "Too many chat messages", { metadata: { scope: CHAT_RATE_SCOPE } });
    }
  }
}

/** No budget (tools and tests that exercise other rules). */
export const unlimitedChat: ChatSendBudget = { consume: async () => {} };
