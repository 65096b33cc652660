// `synctv user preferences get|set U` (08 §4.3): an account's notification toggles and client
// settings. `set` sends only the flags given (a field-mask patch); two_factor_enabled is shown, never set.
import { create, type JsonObject } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  GetUserPreferencesResponseSchema,
  UpdateUserPreferencesResponseSchema,
  type UserPreferences,
  type UserPreferencesPatch,
} from "../../../../gen/synctv/management/v1/management_pb.js";
import { ExitCode } from "../exit-codes.js";
import { CliFailure } from "../remote/cli-failure.js";
import { printMessage } from "../remote/output.js";
import { runRemote } from "../remote/remote-command.js";
import { userRefArgument } from "../remote/user-ref-argument.js";

type Toggle = Exclude<keyof UserPreferencesPatch, "$typeName" | "settings">;

/** Flag → patch field and mask path, in display order. */
const TOGGLES: readonly { flag: string; field: Toggle; path: string }[] = [
  { flag: "notify-invitation-in-app", field: "notifyInvitationInApp", path: "notify_invitation_in_app" },
  { flag: "notify-room-event-in-app", field: "notifyRoomEventInApp", path: "notify_room_event_in_app" },
  { flag: "notify-announcement-in-app", field: "notifyAnnouncementInApp", path: "notify_announcement_in_app" },
  { flag: "notify-invitation-email", field: "notifyInvitationEmail", path: "notify_invitation_email" },
  { flag: "notify-room-event-email", field: "notifyRoomEventEmail", path: "notify_room_event_email" },
  { flag: "notify-announcement-email", field: "notifyAnnouncementEmail", path: "notify_announcement_email" },
];

function booleanValue(value: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new InvalidArgumentError("must be true or false");
}

function jsonObjectValue(value: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('must be a JSON object, e.g. \'{"theme":"dark"}\'');
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new InvalidArgumentError('must be a JSON object, e.g. \'{"theme":"dark"}\'');
  }
  return parsed as JsonObject;
}

/** `path: value` lines, the same snake_case paths `set` flags name. */
function preferencesLines(user: string, p: UserPreferences | undefined): string {
  const rows: [string, string][] = [
    ["user", user],
    ["two_factor_enabled", String(p?.twoFactorEnabled ?? false)],
    ...TOGGLES.map((t): [string, string] => [t.path, String(p?.[t.field] ?? false)]),
    ["settings", JSON.stringify(p?.settings ?? {})],
    ["updated", p === undefined || p.updatedAt === 0n ? "- (defaults)" : new Date(Number(p.updatedAt)).toISOString()],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`).join("\n");
}

export function addUserPreferencesCommands(user: Command): void {
  const preferences = user.command("preferences").description("an account's notification toggles and client settings");

  preferences
    .command("get")
    .description("show an account's preferences (the defaults when none were stored)")
    .argument("<user>", "id, username or email")
    .action((target: string, _opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.getUserPreferences({ user: userRefArgument(target) });
        printMessage(format, GetUserPreferencesResponseSchema, res, (r) =>
          preferencesLines(`${r.username} (${r.userId})`, r.preferences),
        );
      }),
    );

  const set = preferences
    .command("set")
    .description("change the given preferences; the others keep their values")
    .argument("<user>", "id, username or email");
  for (const t of TOGGLES) set.addOption(new Option(`--${t.flag} <bool>`, "true or false").argParser(booleanValue));
  set
    .option(
      "--settings-json <json>",
      "replace the client settings with this JSON object ('{}' clears them)",
      jsonObjectValue,
    )
    .action(
      (target: string, opts: Partial<Record<Toggle, boolean>> & { settingsJson?: JsonObject }, command: Command) =>
        runRemote(command, async ({ client, format }) => {
          const patch: Partial<Record<Toggle, boolean>> & { settings?: JsonObject } = {};
          const paths: string[] = [];
          for (const t of TOGGLES) {
            const value = opts[t.field];
            if (value === undefined) continue;
            patch[t.field] = value;
            paths.push(t.path);
          }
          if (opts.settingsJson !== undefined) {
            patch.settings = opts.settingsJson;
            paths.push("settings");
          }
          if (paths.length === 0) {
            throw new CliFailure("name at least one preference, e.g. --notify-invitation-email true", ExitCode.USAGE);
          }
          const res = await client.updateUserPreferences({
            user: userRefArgument(target),
            preferences: patch,
            updateMask: create(FieldMaskSchema, { paths }),
          });
          printMessage(format, UpdateUserPreferencesResponseSchema, res, (r) =>
            preferencesLines(`${r.username} (${r.userId})`, r.preferences),
          );
        }),
    );
}
