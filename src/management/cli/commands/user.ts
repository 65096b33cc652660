// `synctv user list|get|create|ban|unban|set-role` (08 §4.3; the rest of the tree in user-account.ts). A user argument may be an id, a
// username or an email. Passwords come from `--password-file F` or `--password -` (stdin) only.
import { Argument, type Command, InvalidArgumentError, Option } from "commander";
import {
  BanUserResponseSchema,
  CreateUserResponseSchema,
  GetUserResponseSchema,
  ListUsersResponseSchema,
  SetUserRoleResponseSchema,
  UnbanUserResponseSchema,
} from "../../../../gen/synctv/management/v1/management_pb.js";
import { UserRole, UserStatus } from "../../../../gen/synctv/v1/common_pb.js";
import { ExitCode } from "../exit-codes.js";
import { CliFailure } from "../remote/cli-failure.js";
import { userDetails, usersTable } from "../remote/human-views.js";
import { printMessage } from "../remote/output.js";
import { runRemote } from "../remote/remote-command.js";
import { readSecretFromFile, readSecretFromStdin } from "../remote/secret-input.js";
import { userRefArgument } from "../remote/user-ref-argument.js";
import { addUserAccountCommands } from "./user-account.js";
import { addUserPreferencesCommands } from "./user-preferences.js";

export const ROLES = { root: UserRole.ROOT, admin: UserRole.ADMIN, user: UserRole.USER } as const;
const STATUSES = { active: UserStatus.ACTIVE, banned: UserStatus.BANNED, deleted: UserStatus.DELETED } as const;
type RoleName = keyof typeof ROLES;

const roleOption = (flags: string, description: string) =>
  new Option(flags, description).choices(Object.keys(ROLES)).argParser((v) => v.toLowerCase() as RoleName);

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("must be a non-negative integer");
  return n;
}

export function untilMillis(value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError("must be a date, e.g. 2030-01-31T00:00:00Z");
  return ms;
}

export async function readPassword(opts: { password?: string; passwordFile?: string }): Promise<string> {
  if (opts.passwordFile !== undefined) return readSecretFromFile(opts.passwordFile, "password");
  if (opts.password === "-") return readSecretFromStdin("password");
  if (opts.password !== undefined) {
    throw new CliFailure("--password only accepts '-' (read stdin); use --password-file for a file", ExitCode.USAGE);
  }
  throw new CliFailure("a password is required: --password-file F or --password - (stdin)", ExitCode.USAGE);
}

export function registerUserCommands(program: Command): void {
  const user = program.command("user").description("accounts on the running server");

  user
    .command("list")
    .description("list accounts, newest first")
    .option("--search <text>", "part of the username or email")
    .addOption(roleOption("--role <role>", "only this role"))
    .addOption(new Option("--status <status>", "only this status").choices(Object.keys(STATUSES)))
    .option("--banned", "only banned accounts")
    .option("--page <n>", "page number (1-based)", nonNegativeInt)
    .option("--page-size <n>", "accounts per page (≤ 100)", nonNegativeInt)
    .action(
      (
        opts: {
          search?: string;
          role?: RoleName;
          status?: keyof typeof STATUSES;
          banned?: boolean;
          page?: number;
          pageSize?: number;
        },
        command: Command,
      ) =>
        runRemote(command, async ({ client, format }) => {
          const status = opts.banned ? "banned" : opts.status;
          const res = await client.listUsers({
            search: opts.search ?? "",
            role: opts.role ? ROLES[opts.role] : UserRole.UNSPECIFIED,
            status: status ? STATUSES[status] : UserStatus.UNSPECIFIED,
            pagination: { page: opts.page ?? 0, pageSize: opts.pageSize ?? 0 },
          });
          printMessage(format, ListUsersResponseSchema, res, (r) => `${usersTable(r.users)}\n(${r.total} total)`);
        }),
    );

  user
    .command("get")
    .description("show one account")
    .argument("<user>", "id, username or email")
    .action((target: string, _opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.getUser({ user: userRefArgument(target) });
        printMessage(format, GetUserResponseSchema, res, (r) => (r.user ? userDetails(r.user) : ""));
      }),
    );

  user
    .command("create")
    .description("create an account with a password")
    .argument("<username>", "the new username")
    .option("--email <email>", "email address")
    .addOption(roleOption("--role <role>", "global role").default("user"))
    .option("--password-file <file>", "file holding the password")
    .option("--password <dash>", "'-' reads the password from stdin")
    .action(
      (
        username: string,
        opts: { email?: string; role: RoleName; password?: string; passwordFile?: string },
        command: Command,
      ) =>
        runRemote(command, async ({ client, format }) => {
          const password = await readPassword(opts);
          const res = await client.createUser({ username, email: opts.email ?? "", role: ROLES[opts.role], password });
          printMessage(
            format,
            CreateUserResponseSchema,
            res,
            (r) => `created user ${r.user?.username} (${r.user?.id})`,
          );
        }),
    );

  user
    .command("ban")
    .description("ban an account (its sessions stop working)")
    .argument("<user>", "id, username or email")
    .requiredOption("--reason <reason>", "why (kept in the ban record and the audit log)")
    .option("--until <date>", "end of the ban (ISO 8601); default: until revoked", untilMillis)
    .action((target: string, opts: { reason: string; until?: number }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.banUser({
          user: userRefArgument(target),
          reason: opts.reason,
          endsAt: BigInt(opts.until ?? 0),
        });
        printMessage(format, BanUserResponseSchema, res, (r) =>
          r.created ? `banned ${r.user?.username}` : `${r.user?.username} was already banned`,
        );
      }),
    );

  user
    .command("unban")
    .description("lift an account's ban")
    .argument("<user>", "id, username or email")
    .action((target: string, _opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.unbanUser({ user: userRefArgument(target) });
        printMessage(format, UnbanUserResponseSchema, res, (r) =>
          r.revoked ? `unbanned ${r.user?.username}` : `${r.user?.username} was not banned`,
        );
      }),
    );

  user
    .command("set-role")
    .description("change an account's global role")
    .argument("<user>", "id, username or email")
    .addArgument(new Argument("<role>", "root, admin or user").choices(Object.keys(ROLES)))
    .action((target: string, role: RoleName, _opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.setUserRole({ user: userRefArgument(target), role: ROLES[role] });
        printMessage(format, SetUserRoleResponseSchema, res, (r) => `${r.user?.username} is now ${role.toUpperCase()}`);
      }),
    );

  addUserAccountCommands(user);
  addUserPreferencesCommands(user);
}
