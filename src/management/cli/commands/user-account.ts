// `synctv user set-password|set-username|rooms|bans list|admin grant|revoke|list|batch ban` (08 §4.3;
// delete, restore and batch delete in user-lifecycle.ts).
// Passwords come from `--password-file F` or `--password -` (stdin) only; `admin grant|revoke` are
// SetUserRole to ADMIN or USER, `admin list` lists ROOT and ADMIN accounts.
import type { Command } from "commander";
import {
  BatchBanUsersResponseSchema,
  ListUserBansResponseSchema,
  ListUserRoomsResponseSchema,
  ListUsersResponseSchema,
  SetUsernameResponseSchema,
  SetUserPasswordResponseSchema,
  SetUserRoleResponseSchema,
} from "../../../../gen/synctv/management/v1/management_pb.js";
import { UserRole, UserStatus } from "../../../../gen/synctv/v1/common_pb.js";
import { bansTable, userRoomsTable } from "../remote/admin-views.js";
import { usersTable } from "../remote/human-views.js";
import { printMessage } from "../remote/output.js";
import { runRemote } from "../remote/remote-command.js";
import { userRefArgument } from "../remote/user-ref-argument.js";
import { nonNegativeInt, readPassword, untilMillis } from "./user.js";
import { addUserLifecycleCommands } from "./user-lifecycle.js";

const pagination = (opts: { page?: number; pageSize?: number }) => ({
  page: opts.page ?? 0,
  pageSize: opts.pageSize ?? 0,
});

export function addUserAccountCommands(user: Command): void {
  user
    .command("set-password")
    .description("replace an account's password (its sessions end)")
    .argument("<user>", "id, username or email")
    .option("--password-file <file>", "file holding the new password")
    .option("--password <dash>", "'-' reads the new password from stdin")
    .option("--reason <reason>", "why (kept in the audit log)", "")
    .action((target: string, opts: { password?: string; passwordFile?: string; reason: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const password = await readPassword(opts);
        const res = await client.setUserPassword({ user: userRefArgument(target), password, reason: opts.reason });
        printMessage(format, SetUserPasswordResponseSchema, res, (r) => `set a new password for ${r.user?.username}`);
      }),
    );

  user
    .command("set-username")
    .description("rename an account")
    .argument("<user>", "id, username or email")
    .requiredOption("--username <name>", "the new username")
    .action((target: string, opts: { username: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.setUsername({ user: userRefArgument(target), username: opts.username });
        printMessage(format, SetUsernameResponseSchema, res, (r) => `renamed ${target} to ${r.user?.username}`);
      }),
    );

  user
    .command("rooms")
    .description("the rooms an account created or belongs to")
    .argument("<user>", "id, username or email")
    .option("--page <n>", "page number (1-based)", nonNegativeInt)
    .option("--page-size <n>", "rooms per page (≤ 100)", nonNegativeInt)
    .action((target: string, opts: { page?: number; pageSize?: number }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.listUserRooms({ user: userRefArgument(target), pagination: pagination(opts) });
        printMessage(format, ListUserRoomsResponseSchema, res, (r) => `${userRoomsTable(r.rooms)}\n(${r.total} total)`);
      }),
    );

  user
    .command("bans")
    .description("platform ban records of accounts")
    .command("list")
    .description("list ban records, newest first")
    .option("--active", "only bans in force")
    .option("--user-id <user>", "only this account's (id, username or email)")
    .option("--page <n>", "page number (1-based)", nonNegativeInt)
    .option("--page-size <n>", "records per page (≤ 100)", nonNegativeInt)
    .action((opts: { active?: boolean; userId?: string; page?: number; pageSize?: number }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.listUserBans({
          user: opts.userId === undefined ? undefined : userRefArgument(opts.userId),
          activeOnly: opts.active === true,
          pagination: pagination(opts),
        });
        printMessage(format, ListUserBansResponseSchema, res, (r) => `${bansTable(r.bans)}\n(${r.total} total)`);
      }),
    );

  const admin = user.command("admin").description("platform administrators");
  for (const [verb, role, description] of [
    ["grant", UserRole.ADMIN, "make an account a platform administrator"],
    ["revoke", UserRole.USER, "make an administrator a plain user again"],
  ] as const) {
    admin
      .command(verb)
      .description(description)
      .argument("<user>", "id, username or email")
      .action((target: string, _opts, command: Command) =>
        runRemote(command, async ({ client, format }) => {
          const res = await client.setUserRole({ user: userRefArgument(target), role });
          printMessage(format, SetUserRoleResponseSchema, res, (r) =>
            verb === "grant" ? `${r.user?.username} is now an administrator` : `${r.user?.username} is now a user`,
          );
        }),
      );
  }
  admin
    .command("list")
    .description("list ROOT and ADMIN accounts")
    .action((_opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const all = { page: 1, pageSize: 100 };
        const roots = await client.listUsers({ role: UserRole.ROOT, status: UserStatus.UNSPECIFIED, pagination: all });
        const admins = await client.listUsers({
          role: UserRole.ADMIN,
          status: UserStatus.UNSPECIFIED,
          pagination: all,
        });
        const res = { ...admins, users: [...roots.users, ...admins.users], total: roots.total + admins.total };
        printMessage(format, ListUsersResponseSchema, res, (r) => `${usersTable(r.users)}\n(${r.total} total)`);
      }),
    );

  const batch = user.command("batch").description("act on several accounts at once");
  batch
    .command("ban")
    .description("ban 1–100 accounts in one transaction (all or nothing)")
    .argument("<users...>", "ids, usernames or emails")
    .requiredOption("--reason <reason>", "why (kept in every ban record and the audit log)")
    .option("--until <date>", "end of the bans (ISO 8601); default: until revoked", untilMillis)
    .action((targets: string[], opts: { reason: string; until?: number }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.batchBanUsers({
          users: targets.map(userRefArgument),
          reason: opts.reason,
          endsAt: BigInt(opts.until ?? 0),
        });
        printMessage(
          format,
          BatchBanUsersResponseSchema,
          res,
          (r) =>
            `banned ${r.users.map((u) => u.username).join(", ")} (${r.createdCount} new, ${r.users.length - r.createdCount} already banned)`,
        );
      }),
    );
  addUserLifecycleCommands(user, batch);
}
