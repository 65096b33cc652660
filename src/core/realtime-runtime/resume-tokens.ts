// Resume tokens (03 §2.3): every connection gets a random token in `welcome`; when it closes the
// token is stored for the resume window, bound to the actor and the room, so a reconnect presenting
// it (`?resume=`) continues the same presence. A token of another actor or room counts as none.
import type { Random } from "../../infra/random.js";
import type { ShortLivedStore } from "../../infra/store/types.js";

/** 24 random bytes → 32 base64url characters. */
const TOKEN_BYTES = 24;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,64}$/;

interface Binding {
  /** identityKey of the actor. */
  a: string;
  r: number;
}

export class ResumeTokens {
  constructor(
    private readonly deps: { store: ShortLivedStore; random: Random },
    readonly windowMs: number,
  ) {}

  issue(): string {
    return this.deps.random.token(TOKEN_BYTES);
  }

  /** The connection closed: its token now resumes `actorKey`'s presence in `roomId` for the window. */
  async keep(token: string, actorKey: string, roomId: number): Promise<void> {
    const binding: Binding = { a: actorKey, r: roomId };
    await this.deps.store.set(keyOf(token), JSON.stringify(binding), this.windowMs);
  }

  /**
   * True when `token` was kept for this actor and room within the window; it is then used up. A
   * token bound to someone else is left alone (and answered false), so guessing cannot burn it.
   */
  async claim(token: string, actorKey: string, roomId: number): Promise<boolean> {
    if (!TOKEN_SHAPE.test(token)) return false;
    const raw = await this.deps.store.get(keyOf(token));
    if (raw === null) return false;
    let binding: Partial<Binding>;
    try {
      binding = JSON.parse(raw) as Partial<Binding>;
    } catch {
      return false;
    }
    if (binding.a !== actorKey || binding.r !== roomId) return false;
    // Two racing claims of one token may both succeed; both then continue the same presence.
    await this.deps.store.del(keyOf(token));
    return true;
  }
}

function keyOf(token: string): string {
  return `ws-resume:${token}`;
}
