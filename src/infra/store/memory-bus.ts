// In-process pub/sub. Delivery is queued as a microtask, as a network hop would be, so no caller can
// come to rely on a handler running inside publish().

import type { MessageHandler, StoreErrorReporter } from "./types.js";

interface Subscription {
  handler: MessageHandler;
  reportError: StoreErrorReporter;
  active: boolean;
}

export class MemoryBus {
  readonly #channels = new Map<string, Set<Subscription>>();

  publish(channel: string, message: string): void {
    const subscriptions = this.#channels.get(channel);
    if (subscriptions === undefined) return;
    for (const subscription of [...subscriptions]) {
      queueMicrotask(() => {
        // Checked at delivery time: once unsubscribe() resolved, nothing more arrives.
        if (!subscription.active) return;
        try {
          subscription.handler(message);
        } catch (error) {
          subscription.reportError(error, `subscriber of ${channel} threw`);
        }
      });
    }
  }

  /** Returns the function that removes exactly this subscription. */
  subscribe(channel: string, handler: MessageHandler, reportError: StoreErrorReporter): () => void {
    const subscription: Subscription = { handler, reportError, active: true };
    let subscriptions = this.#channels.get(channel);
    if (subscriptions === undefined) {
      subscriptions = new Set();
      this.#channels.set(channel, subscriptions);
    }
    subscriptions.add(subscription);
    return () => {
      subscription.active = false;
      const current = this.#channels.get(channel);
      if (current === undefined) return;
      current.delete(subscription);
      if (current.size === 0) this.#channels.delete(channel);
    };
  }

  subscriberCount(channel: string): number {
    return this.#channels.get(channel)?.size ?? 0;
  }
}
