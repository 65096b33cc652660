// Room name and description rules (spec 04 §2.2): names 1–100 characters after trimming, descriptions
// at most 500; neither may contain '<' or '>' (they are shown in lists and notifications as text).
import { invalidArgument } from "../../errors.js";

export const ROOM_NAME_MAX = 100;
export const ROOM_DESCRIPTION_MAX = 500;
const ANGLE_BRACKETS = /[<>]/;

/** The stored form of a room name (trimmed), or INVALID_ARGUMENT naming `field`. */
export function normalizeRoomName(raw: string, field = "name"): string {
  const name = raw.trim();
  const length = [...name].length;
  if (length < 1 || length > ROOM_NAME_MAX || ANGLE_BRACKETS.test(name)) {
    throw invalidArgument("Room names are 1–100 characters without '<' or '>'", {
      fieldViolations: [{ field, rule: "room_name", description: "1–100 characters after trimming, no '<' or '>'" }],
    });
  }
  return name;
}

export function normalizeRoomDescription(raw: string, field = "description"): string {
  const description = raw.trim();
  if ([...description].length > ROOM_DESCRIPTION_MAX || ANGLE_BRACKETS.test(description)) {
    throw invalidArgument("Room descriptions are at most 500 characters without '<' or '>'", {
      fieldViolations: [{ field, rule: "room_description", description: "≤500 characters, no '<' or '>'" }],
    });
  }
  return description;
}
