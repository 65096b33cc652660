// The room password at JoinRoom (spec 04 §4, 05 §3.4, §5.1): a plaintext password checked by running
// OPAQUE locally against the stored record. Missing → 4005, wrong → 4006. Failures count per
// (room, client IP) and per (room, user), with the 05 §5.1 lock tiers (→ 2201) checked before the
// expensive key stretching.
import { eq } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";
import { roomPasswordCredentials } from "../../infra/db/schema/index.js";
import type { BruteForceGuard } from "../abuse/brute-force-guard.js";
import type { RequestOrigin } from "../auth/auth-deps.js";
import type { OpaqueService } from "../auth/opaque/opaque-service.js";
import { AppCode, permissionDenied } from "../errors.js";

interface RoomPasswordRecord {
  record: Uint8Array;
  identifier: Uint8Array;
  version: number;
}

/** What a successful proof covered; re-checked inside the admission transaction (step 8). */
export interface PasswordProof {
  /** The credential version proven, or null when the room had no password. */
  version: number | null;
  /** Whether the caller sent a password at all (decides 4005 vs 4006 if the password changed meanwhile). */
  supplied: boolean;
}

const passwordRequired = () => permissionDenied("This room needs a password", { code: AppCode.ROOM_PASSWORD_REQUIRED });
const passwordInvalid = () => permissionDenied("Wrong room password", { code: AppCode.ROOM_PASSWORD_INVALID });

/** The enabled password of a room, or null when it has none. */
export async function loadRoomPassword(db: DbExecutor, roomId: number): Promise<RoomPasswordRecord | null> {
  const [row] = await db
    .select({
      enabled: roomPasswordCredentials.enabled,
      record: roomPasswordCredentials.opaqueRecord,
      identifier: roomPasswordCredentials.opaqueCredentialIdentifier,
      version: roomPasswordCredentials.passwordVersion,
    })
    .from(roomPasswordCredentials)
    .where(eq(roomPasswordCredentials.roomId, roomId));
  if (!row?.enabled || row.record === null || row.identifier === null) return null;
  return { record: row.record, identifier: row.identifier, version: row.version };
}

export class RoomPasswordProver {
  constructor(
    private readonly opaque: Pick<OpaqueService, "verifyPassword">,
    private readonly bruteForce: BruteForceGuard,
  ) {}

  /** Step 7 of JoinRoom. Runs outside any transaction: key stretching takes a while. */
  async prove(
    db: DbExecutor,
    roomId: number,
    userId: number,
    password: string | undefined,
    origin: RequestOrigin,
  ): Promise<PasswordProof> {
    const supplied = password !== undefined && password !== "";
    const stored = await loadRoomPassword(db, roomId);
    if (!stored) return { version: null, supplied };
    if (!supplied) throw passwordRequired();

    const byIp = `room-password:${roomId}:${origin.ip}`;
    const byUser = `room-password:${roomId}:user:${userId}`;
    // The IP-wide lock is checked once, with the (room, IP) key.
    await this.bruteForce.check(byIp, origin.ip);
    await this.bruteForce.check(byUser, "");
    const identifier = Buffer.from(stored.identifier).toString("utf8");
    if (!(await this.opaque.verifyPassword(identifier, stored.record, password))) {
      await this.bruteForce.recordFailure(byIp, origin.ip);
      await this.bruteForce.recordFailure(byUser, "");
      throw passwordInvalid();
    }
    await Promise.all([this.bruteForce.reset(byIp), this.bruteForce.reset(byUser)]);
    return { version: stored.version, supplied };
  }
}

/**
 * Step 7 repeated inside the transaction (step 8) without stretching the key again: the proof still
 * holds while the password it opened is the current one. A password set or changed in between was
 * never proven, so it answers as if it had been checked now.
 */
export async function assertProofCurrent(db: DbExecutor, roomId: number, proof: PasswordProof): Promise<void> {
  const stored = await loadRoomPassword(db, roomId);
  if (!stored || stored.version === proof.version) return;
  throw proof.supplied ? passwordInvalid() : passwordRequired();
}
