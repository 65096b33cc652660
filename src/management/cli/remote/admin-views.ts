// Human-readable lines for moderation and configuration records: ban tables, a user's rooms, and
// room settings as `path: value` lines (the same snake_case paths `room settings update --set` takes).
import { toJson } from "@bufbuild/protobuf";
import type { BanRecord, UserRoom } from "../../../../gen/synctv/management/v1/management_pb.js";
import { RoomMemberRoleSchema, type RoomSettings, RoomSettingsSchema } from "../../../../gen/synctv/v1/room_pb.js";
import { table } from "./output.js";

const when = (ms: bigint) => (ms === 0n ? "-" : new Date(Number(ms)).toISOString());

export function bansTable(bans: readonly BanRecord[]): string {
  return table(
    ["ID", "TARGET", "NAME", "ACTIVE", "STARTS", "ENDS", "REVOKED", "REASON"],
    bans.map((b) => [
      String(b.id),
      b.targetId,
      b.targetName,
      b.active ? "yes" : "no",
      when(b.startsAt),
      when(b.endsAt),
      when(b.revokedAt),
      b.reason,
    ]),
  );
}

export function userRoomsTable(rooms: readonly UserRoom[]): string {
  const roleOf = (r: UserRoom) =>
    (RoomMemberRoleSchema.values.find((v) => v.number === r.role)?.name ?? "?").replace("ROOM_MEMBER_ROLE_", "");
  return table(
    ["ID", "NAME", "ROLE", "OWNER", "JOINED"],
    rooms.map((r) => [
      r.room?.id ?? "",
      r.room?.name ?? "",
      roleOf(r),
      r.room?.creator?.username ?? "",
      when(r.joinedAt),
    ]),
  );
}

/** Every setting, defaults included, as `path: value`. */
export function settingsLines(settings: RoomSettings | undefined, version: bigint): string {
  const json = settings
    ? (toJson(RoomSettingsSchema, settings, { alwaysEmitImplicit: true, useProtoFieldName: true }) as Record<
        string,
        unknown
      >)
    : {};
  const lines: string[] = [];
  const walk = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(prefix === "" ? k : `${prefix}.${k}`, v);
    } else {
      lines.push(`${prefix}: ${typeof value === "string" ? value.replace(/^PLAY_MODE_/, "") : String(value)}`);
    }
  };
  walk("", json);
  const width = Math.max(...lines.map((l) => l.indexOf(":")));
  return [
    ...lines.map((l) => {
      const i = l.indexOf(":");
      return `${l.slice(0, i + 1).padEnd(width + 2)}${l.slice(i + 2)}`;
    }),
    `${"version:".padEnd(width + 2)}${version}`,
  ].join("\n");
}
