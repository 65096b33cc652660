import { describe, expect, it } from "vitest";
import { outranks, ROLE_RANK, type RoomRole } from "./room-roles.js";

const ORDER: RoomRole[] = ["CREATOR", "ADMIN", "MEMBER", "GUEST"];

describe("room roles", () => {
  it("numbers roles as the spec does: a lower number outranks", () => {
    expect(ROLE_RANK).toEqual({ CREATOR: 1, ADMIN: 2, MEMBER: 3, GUEST: 4 });
  });

  it.each(ORDER.flatMap((a, i) => ORDER.map((b, j) => [a, b, i < j] as const)))(
    "%s outranks %s: %s",
    (a, b, expected) => {
      expect(outranks(a, b)).toBe(expected);
    },
  );
});
