// Room password rules (spec 04 §4, §2.2 step 4): 4–128 characters after trimming, and the runtime
// `roomCreation.passwordPolicy`: REQUIRED rooms cannot drop their password, FORBIDDEN rooms cannot
// set one (3110). The password is registered exactly as sent (the length rule reads it trimmed), so
// JoinRoom's OPAQUE proof compares the same bytes the client typed.
import { AppCode, failedPrecondition, invalidArgument } from "../../errors.js";
import type { PasswordPolicy } from "../../settings/runtime-settings.js";

export const ROOM_PASSWORD_MIN = 4;
export const ROOM_PASSWORD_MAX = 128;

/** The password to register (unchanged) when it is 4–128 characters after trimming; else INVALID_ARGUMENT. */
export function checkRoomPassword(raw: string): string {
  const length = [...raw.trim()].length;
  if (length < ROOM_PASSWORD_MIN || length > ROOM_PASSWORD_MAX) {
    throw invalidArgument("Room passwords are 4–128 characters after trimming", {
      fieldViolations: [{ field: "password", rule: "length", description: "4–128 characters after trimming" }],
    });
  }
  return raw;
}

/** Whether a room may end up with (`true`) or without (`false`) a password under `policy`. */
export function assertPasswordPolicy(policy: PasswordPolicy, hasPassword: boolean): void {
  if (policy === "required" && !hasPassword) {
    throw failedPrecondition("Rooms on this server must have a password", { code: AppCode.ROOM_PASSWORD_POLICY });
  }
  if (policy === "forbidden" && hasPassword) {
    throw failedPrecondition("Rooms on this server cannot have a password", { code: AppCode.ROOM_PASSWORD_POLICY });
  }
}

/** The OPAQUE credential identifier of a room password (spec 05 §3.3), stored with the record. */
export const roomPasswordIdentifier = (roomPublicId: string) => `room-password:${roomPublicId}`;
