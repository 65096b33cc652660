// Turns a bearer token into an Actor, in the check order of spec 05 §4.2: signature and type,
// then the user confirmed from PostgreSQL (password version, ban, deletion), then the blacklist.
// Guest tokens take the room-bound path (05 §3.6). Used by every transport.

import type { Database } from "../../infra/db/database.js";
import type { Actor } from "../actor.js";
import { DomainError } from "../errors.js";
import type { PublicIdCodec } from "../ids/public-id-codec.js";
import { kickedGuestKey } from "../members/leave-and-kick.js";
import type { GuestAdmission } from "../rooms/guest-admission.js";
import { findUserById } from "../users/user-repository.js";
import { badToken, credentialChanged, guestAccessRevoked } from "./auth-errors.js";
import { isBlacklisted } from "./token-blacklist-repository.js";
import type { GuestClaims } from "./tokens/token-claims.js";
import type { TokenCodec } from "./tokens/token-codec.js";

export interface AccessVerifierDeps {
  database: Database;
  tokens: TokenCodec;
  ids: PublicIdCodec;
  guests: GuestAdmission;
}

export class AccessVerifier {
  constructor(private readonly deps: AccessVerifierDeps) {}

  async actorForToken(token: string): Promise<Actor> {
    let accessError: unknown;
    try {
      return await this.#user(token);
    } catch (e) {
      accessError = e;
    }
    // Not a valid access token: it may be a guest token; if it is neither, report the access error.
    let guestClaims: GuestClaims;
    try {
      guestClaims = await this.deps.tokens.verify(token, "guest");
    } catch {
      throw accessError;
    }
    return this.#guest(guestClaims);
  }

  async #user(token: string): Promise<Actor> {
    const { tokens, ids, database } = this.deps;
    const claims = await tokens.verify(token, "access");
    const userId = decodeOrFail(() => ids.decode("usr", claims.sub));
    const user = await findUserById(database.db, userId);
    if (!user || user.status === "DELETED") throw badToken();
    if (claims.pv !== user.passwordVersion) throw credentialChanged();
    if (user.status !== "ACTIVE") throw badToken();
    if (await isBlacklisted(database.db, `access:${claims.jti}`)) throw badToken();
    return {
      kind: "user",
      userId: user.id,
      role: user.role,
      sessionId: claims.sid,
      tokenId: claims.jti,
      tokenExpiresAt: claims.exp * 1000,
    };
  }

  async #guest(claims: GuestClaims): Promise<Actor> {
    const roomId = decodeOrFail(() => this.deps.ids.decode("room", claims.roomPublicId));
    const guestId = `gst_${claims.guestSessionId}`;
    // A kicked guest is refused by its id (KickMember knows the guest, not its token id).
    if (
      (await isBlacklisted(this.deps.database.db, `guest:${claims.jti}`)) ||
      (await isBlacklisted(this.deps.database.db, kickedGuestKey(roomId, guestId)))
    ) {
      throw guestAccessRevoked();
    }
    const admitted = await this.deps.guests.stillAdmitted(roomId, { gv: claims.gv, ge: claims.ge });
    if (!admitted) throw guestAccessRevoked();
    return { kind: "guest", guestId, roomId };
  }
}

/** A token we signed never carries a malformed id; if it does, the token is not ours. */
function decodeOrFail(decode: () => number): number {
  try {
    return decode();
  } catch (e) {
    if (e instanceof DomainError) throw badToken();
    throw e;
  }
}
