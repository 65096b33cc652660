// Guest entry (spec 05 §3.6, 04 §6): a room-bound, non-refreshable token for a public room that
// admits guests. Limited per client IP (category `guest`). Failing admission before issue is
// PERMISSION_DENIED 4008, or NOT_FOUND when the room does not exist.

import { notFound } from "../errors.js";
import type { GuestAdmission } from "../rooms/guest-admission.js";
import type { AuthDeps, RequestOrigin } from "./auth-deps.js";
import { guestNotAllowed } from "./auth-errors.js";

const SESSION_BYTES = 12; // 16 base64url characters

export interface IssuedGuestToken {
  token: string;
  guestId: string;
  displayName: string;
  expiresAt: number;
  expiresInSecs: number;
}

export class GuestTokens {
  constructor(
    private readonly deps: AuthDeps,
    private readonly admission: GuestAdmission,
  ) {}

  async create(roomPublicId: string, origin: RequestOrigin): Promise<IssuedGuestToken> {
    const { ids, limiter, tokens, random, clock } = this.deps;
    await limiter.consume("guest", { kind: "ip", ip: origin.ip });
    const roomId = ids.decode("room", roomPublicId);
    const state = await this.admission.roomState(roomId);
    if (!state) throw notFound("Room not found");
    if (!state.admits) throw guestNotAllowed("This room does not admit guests");

    // Base64url may contain '-' and '_', which public ids do not: keep the session alphanumeric.
    const sessionId = random.token(SESSION_BYTES).replace(/[-_]/g, "x");
    const issued = await tokens.issueGuest({
      roomPublicId,
      guestSessionId: sessionId,
      gv: state.guestVersion,
      ge: state.guestEpoch,
    });
    return {
      token: issued.token,
      guestId: `gst_${sessionId}`,
      displayName: `Guest-${sessionId.slice(0, 4).toUpperCase()}`,
      expiresAt: issued.expiresAt,
      expiresInSecs: Math.round((issued.expiresAt - clock.now()) / 1000),
    };
  }
}
