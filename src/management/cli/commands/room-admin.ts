// `synctv room ban|unban|bans list|batch ban|delete|set-password|transfer-owner|visibility|settings
// get|update|reset` and `room member set-permissions|set-remark-name|set-display-tag` (08 §4.3). The room password
// comes from `--password-file F` or `--password -` (stdin) only; `--clear` removes it.
import { create, fromJson, type JsonObject } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import { Argument, type Command, InvalidArgumentError, Option } from "commander";
import {
  BanRoomResponseSchema,
  BatchBanRoomsResponseSchema,
  BatchDeleteRoomsResponseSchema,
  GetRoomSettingsResponseSchema,
  ListRoomBansResponseSchema,
  ResetRoomSettingsResponseSchema,
  SetRoomPasswordResponseSchema,
  SetRoomVisibilityResponseSchema,
  TransferRoomOwnershipResponseSchema,
  UnbanRoomResponseSchema,
  UpdateRoomMemberDisplayResponseSchema,
  UpdateRoomMemberPermissionsResponseSchema,
  UpdateRoomSettingsResponseSchema,
} from "../../../../gen/synctv/management/v1/management_pb.js";
import { RoomMemberRole, RoomSettingsPatchSchema } from "../../../../gen/synctv/v1/room_pb.js";
import { ExitCode } from "../exit-codes.js";
import { bansTable, settingsLines } from "../remote/admin-views.js";
import { CliFailure } from "../remote/cli-failure.js";
import { membersTable } from "../remote/human-views.js";
import { printMessage } from "../remote/output.js";
import { runRemote } from "../remote/remote-command.js";
import { userRefArgument } from "../remote/user-ref-argument.js";
import { actorOf, asUserOption } from "./playback.js";
import { nonNegativeInt, readPassword, untilMillis } from "./user.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A permission mask: decimal or 0x… hex, within uint64. */
function mask(value: string): bigint {
  try {
    const n = BigInt(value.trim());
    if (n >= 0n && n < 2n ** 64n) return n;
  } catch {}
  throw new InvalidArgumentError("must be a non-negative integer (decimal or 0x hex)");
}

/** `--set path=value` / `--unset path` → a RoomSettingsPatch and its mask (08 §4.3). */
export function settingsPatchOf(sets: readonly string[], unsets: readonly string[]) {
  const json: JsonObject = {};
  const paths: string[] = [];
  for (const item of sets) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new CliFailure(`--set expects path=value, got '${item}'`, ExitCode.USAGE);
    const path = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1).trim();
    let value: JsonObject[string] = raw;
    if (raw === "true" || raw === "false") value = raw === "true";
    else if (/^\d+$/.test(raw)) value = raw;
    else if (path === "auto_play.mode") value = `PLAY_MODE_${raw.toUpperCase().replace(/^PLAY_MODE_/, "")}`;
    const [head, leaf] = path.split(".", 2);
    if (head === undefined || head === "")
      throw new CliFailure(`--set expects path=value, got '${item}'`, ExitCode.USAGE);
    if (leaf === undefined) json[head] = value;
    else json[head] = { ...((json[head] as JsonObject | undefined) ?? {}), [leaf]: value };
    paths.push(path);
  }
  paths.push(...unsets.map((p) => p.trim()));
  if (paths.length === 0) throw new CliFailure("name at least one --set path=value or --unset path", ExitCode.USAGE);
  let settings: ReturnType<typeof create<typeof RoomSettingsPatchSchema>>;
  try {
    settings = fromJson(RoomSettingsPatchSchema, json);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliFailure(`invalid --set: ${message.split("\n")[0]}`, ExitCode.USAGE);
  }
  return { settings, updateMask: create(FieldMaskSchema, { paths }) };
}

export function addRoomAdminCommands(room: Command, member: Command): void {
  room
    .command("ban")
    .description("ban a room platform-wide (admissions and member actions refused)")
    .argument("<room>", "room id (room_…)")
    .requiredOption("--reason <reason>", "why (kept in the ban record and the audit log)")
    .option("--until <date>", "end of the ban (ISO 8601); default: until revoked", untilMillis)
    .action((roomId: string, opts: { reason: string; until?: number }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.banRoom({ roomId, reason: opts.reason, endsAt: BigInt(opts.until ?? 0) });
        printMessage(format, BanRoomResponseSchema, res, (r) =>
          r.created ? `banned room ${roomId}` : `room ${roomId} was already banned`,
        );
      }),
    );

  const batch = room.command("batch").description("act on several rooms at once");
  batch
    .command("delete")
    .description("delete 1–100 rooms in one transaction (all or nothing; there is no restore)")
    .argument("<rooms...>", "room ids (room_…)")
    .action((roomIds: string[], _opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.batchDeleteRooms({ roomIds });
        printMessage(format, BatchDeleteRoomsResponseSchema, res, (r) => `deleted ${r.deletedCount} room(s)`);
      }),
    );
  batch
    .command("ban")
    .description("ban 1–100 rooms in one transaction (all or nothing)")
    .argument("<rooms...>", "room ids (room_…)")
    .requiredOption("--reason <reason>", "why (kept in every ban record and the audit log)")
    .option("--until <date>", "end of the bans (ISO 8601); default: until revoked", untilMillis)
    .action((roomIds: string[], opts: { reason: string; until?: number }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.batchBanRooms({ roomIds, reason: opts.reason, endsAt: BigInt(opts.until ?? 0) });
        printMessage(
          format,
          BatchBanRoomsResponseSchema,
          res,
          (r) =>
            `banned ${r.rooms.map((x) => x.id).join(", ")} (${r.createdCount} new, ${r.rooms.length - r.createdCount} already banned)`,
        );
      }),
    );

  room
    .command("unban")
    .description("lift a room's ban")
    .argument("<room>", "room id (room_…)")
    .action((roomId: string, _opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.unbanRoom({ roomId });
        printMessage(format, UnbanRoomResponseSchema, res, (r) =>
          r.revoked ? `unbanned room ${roomId}` : `room ${roomId} was not banned`,
        );
      }),
    );

  room
    .command("bans")
    .description("platform ban records of rooms")
    .command("list")
    .description("list ban records, newest first")
    .option("--active", "only bans in force")
    .option("--room-id <room>", "only this room's (room_…)")
    .option("--page <n>", "page number (1-based)", nonNegativeInt)
    .option("--page-size <n>", "records per page (≤ 100)", nonNegativeInt)
    .action((opts: { active?: boolean; roomId?: string; page?: number; pageSize?: number }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.listRoomBans({
          roomId: opts.roomId ?? "",
          activeOnly: opts.active === true,
          pagination: { page: opts.page ?? 0, pageSize: opts.pageSize ?? 0 },
        });
        printMessage(format, ListRoomBansResponseSchema, res, (r) => `${bansTable(r.bans)}\n(${r.total} total)`);
      }),
    );

  room
    .command("set-password")
    .description("set (or --clear) the room password")
    .argument("<room>", "room id (room_…)")
    .option("--password-file <file>", "file holding the password")
    .option("--password <dash>", "'-' reads the password from stdin")
    .option("--clear", "remove the password")
    .action((roomId: string, opts: { password?: string; passwordFile?: string; clear?: boolean }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        if (opts.clear && (opts.password !== undefined || opts.passwordFile !== undefined)) {
          throw new CliFailure("--clear takes no password", ExitCode.USAGE);
        }
        const password = opts.clear ? "" : await readPassword(opts);
        const res = await client.setRoomPassword({ roomId, password });
        printMessage(format, SetRoomPasswordResponseSchema, res, (r) =>
          r.hasPassword ? `set the password of ${roomId}` : `cleared the password of ${roomId}`,
        );
      }),
    );

  room
    .command("transfer-owner")
    .description("make a member the room's creator (the old one becomes ADMIN)")
    .argument("<room>", "room id (room_…)")
    .argument("<user>", "the new owner: id, username or email")
    .action((roomId: string, target: string, _opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.transferRoomOwnership({ roomId, newOwner: userRefArgument(target) });
        printMessage(
          format,
          TransferRoomOwnershipResponseSchema,
          res,
          (r) => `${r.room?.creator?.username ?? target} now owns ${roomId}`,
        );
      }),
    );

  room
    .command("visibility")
    .description("list the room in discovery (public) or not (private)")
    .argument("<room>", "room id (room_…)")
    .addArgument(new Argument("<visibility>", "public or private").choices(["public", "private"]))
    .action((roomId: string, visibility: string, _opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.setRoomVisibility({ roomId, isPublic: visibility === "public" });
        printMessage(
          format,
          SetRoomVisibilityResponseSchema,
          res,
          (r) => `${roomId} is now ${r.room?.isPublic ? "public" : "private"}`,
        );
      }),
    );

  const settings = room.command("settings").description("a room's settings");
  settings
    .command("get")
    .description("show every setting")
    .argument("<room>", "room id (room_…)")
    .action((roomId: string, _opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.getRoomSettings({ roomId });
        printMessage(format, GetRoomSettingsResponseSchema, res, (r) => settingsLines(r.settings, r.version));
      }),
    );
  settings
    .command("update")
    .description("change settings: --set path=value (e.g. chat_enabled=false, auto_play.mode=shuffle), --unset path")
    .argument("<room>", "room id (room_…)")
    .option("--set <path=value>", "set a setting (repeatable)", collect, [])
    .option("--unset <path>", "reset a setting to its default (repeatable)", collect, [])
    .option("--expected-version <n>", "fail unless the settings are still at this version", nonNegativeInt)
    .action((roomId: string, opts: { set: string[]; unset: string[]; expectedVersion?: number }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const patch = settingsPatchOf(opts.set, opts.unset);
        const res = await client.updateRoomSettings({
          roomId,
          ...patch,
          expectedVersion: opts.expectedVersion === undefined ? undefined : BigInt(opts.expectedVersion),
        });
        printMessage(format, UpdateRoomSettingsResponseSchema, res, (r) => settingsLines(r.settings, r.version));
      }),
    );
  settings
    .command("reset")
    .description("put every setting back to its default")
    .argument("<room>", "room id (room_…)")
    .action((roomId: string, _opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.resetRoomSettings({ roomId });
        printMessage(format, ResetRoomSettingsResponseSchema, res, (r) => settingsLines(r.settings, r.version));
      }),
    );

  const asOption = () => asUserOption("local-management");
  member
    .command("set-permissions")
    .description("change a member's role or permission overrides")
    .argument("<room>", "room id (room_…)")
    .argument("<user>", "id, username or email")
    .addOption(new Option("--role <role>", "admin or member").choices(["admin", "member"]))
    .option("--added <mask>", "MEMBER permissions added (member bitspace)", mask)
    .option("--removed <mask>", "MEMBER permissions removed", mask)
    .option("--admin-added <mask>", "ADMIN permissions added (admin bitspace)", mask)
    .option("--admin-removed <mask>", "ADMIN permissions removed", mask)
    .addOption(asOption())
    .action(
      (
        roomId: string,
        target: string,
        opts: {
          role?: string;
          added?: bigint;
          removed?: bigint;
          adminAdded?: bigint;
          adminRemoved?: bigint;
          as?: string;
        },
        command: Command,
      ) =>
        runRemote(command, async ({ client, format }) => {
          const res = await client.updateRoomMemberPermissions({
            roomId,
            user: userRefArgument(target),
            role:
              opts.role === undefined
                ? undefined
                : opts.role === "admin"
                  ? RoomMemberRole.ADMIN
                  : RoomMemberRole.MEMBER,
            addedPermissions: opts.added,
            removedPermissions: opts.removed,
            adminAddedPermissions: opts.adminAdded,
            adminRemovedPermissions: opts.adminRemoved,
            actor: actorOf(opts.as),
          });
          printMessage(format, UpdateRoomMemberPermissionsResponseSchema, res, (r) =>
            r.member ? membersTable([r.member]) : "",
          );
        }),
    );

  for (const [verb, field, what] of [
    ["set-remark-name", "remarkName", "remark name"],
    ["set-display-tag", "displayTag", "display tag"],
  ] as const) {
    member
      .command(verb)
      .description(`set a member's ${what} ('' clears it)`)
      .argument("<room>", "room id (room_…)")
      .argument("<user>", "id, username or email")
      .argument("<value>", `the ${what}`)
      .addOption(asOption())
      .action((roomId: string, target: string, value: string, opts: { as?: string }, command: Command) =>
        runRemote(command, async ({ client, format }) => {
          const res = await client.updateRoomMemberDisplay({
            roomId,
            user: userRefArgument(target),
            [field]: value,
            actor: actorOf(opts.as),
          });
          printMessage(format, UpdateRoomMemberDisplayResponseSchema, res, (r) =>
            value === ""
              ? `cleared the ${what} of ${r.member?.username}`
              : `set the ${what} of ${r.member?.username} to ${value}`,
          );
        }),
      );
  }
}
