// The per-connection inbound message rate of spec 03 §1.2 (50/s by default) for MessageStream:
// a one-second window; messages beyond the budget are dropped and counted, the stream stays open.

export class InboundMessageBudget {
  #windowStartMs = Number.NEGATIVE_INFINITY;
  #windowCount = 0;
  dropped = 0;

  constructor(private readonly perSecond: number) {}

  /** Counts one message received at `nowMs`; false when it exceeds this second's budget. */
  admit(nowMs: number): boolean {
    if (nowMs - this.#windowStartMs >= 1000) {
      this.#windowStartMs = nowMs;
      this.#windowCount = 0;
    }
    this.#windowCount += 1;
    if (this.#windowCount > this.perSecond) {
      this.dropped += 1;
      return false;
    }
    return true;
  }
}
