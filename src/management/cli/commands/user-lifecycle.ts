// `synctv user delete U [--reason] | restore U [--ignore-identity-conflicts] | batch delete U...`
// (08 §4.3, 06 §4.8). A deleted account is restored by its id, or by the username or email it held.
import type { Command } from "commander";
import {
  type AccountDeletionSummary,
  BatchDeleteUsersResponseSchema,
  type DeleteUserResponse,
  DeleteUserResponseSchema,
  IdentityKind,
  RestoreUserResponseSchema,
} from "../../../../gen/synctv/management/v1/management_pb.js";
import { printMessage } from "../remote/output.js";
import { runRemote } from "../remote/remote-command.js";
import { userRefArgument } from "../remote/user-ref-argument.js";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function summaryText(s: AccountDeletionSummary | undefined): string {
  if (s === undefined) return "";
  const parts = [
    plural(s.deletedRooms, "owned room"),
    plural(s.removedMemberships, "membership"),
    plural(s.deletedPlaylists, "playlist"),
    plural(s.deletedMedia, "media item"),
    plural(s.deletedChatMessages, "chat message"),
  ];
  return `${parts.join(", ")}${s.emailReleased ? "; email released" : ""}`;
}

const deletedLine = (r: DeleteUserResponse) => `deleted ${r.user?.username} (${r.user?.id}): ${summaryText(r.summary)}`;

export function addUserLifecycleCommands(user: Command, batch: Command): void {
  user
    .command("delete")
    .description("delete an account with its owned rooms; its content elsewhere and memberships go too")
    .argument("<user>", "id, username or email")
    .option("--reason <reason>", "why (kept on the account and in the audit log)", "")
    .action((target: string, opts: { reason: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.deleteUser({ user: userRefArgument(target), reason: opts.reason });
        printMessage(format, DeleteUserResponseSchema, res, deletedLine);
      }),
    );

  user
    .command("restore")
    .description("restore a deleted account and the owned rooms deleted with it")
    .argument("<user>", "id, or the username or email the deleted account held")
    .option(
      "--ignore-identity-conflicts",
      "restore even if another account took the username (renamed restored_<id>) or email (released)",
    )
    .action((target: string, opts: { ignoreIdentityConflicts?: boolean }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.restoreUser({
          user: userRefArgument(target),
          ignoreIdentityConflicts: opts.ignoreIdentityConflicts === true,
        });
        printMessage(format, RestoreUserResponseSchema, res, (r) =>
          [
            `restored ${r.user?.username} (${r.user?.id}): ${plural(r.restoredRooms, "owned room")}`,
            ...r.releasedIdentities.map(
              (i) => `released ${i.kind === IdentityKind.USERNAME ? "username" : "email"} ${i.value}`,
            ),
          ].join("\n"),
        );
      }),
    );

  batch
    .command("delete")
    .description("delete 1–100 accounts in one transaction (all or nothing)")
    .argument("<users...>", "ids, usernames or emails")
    .option("--reason <reason>", "why (kept on every account and in the audit log)", "")
    .action((targets: string[], opts: { reason: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.batchDeleteUsers({ users: targets.map(userRefArgument), reason: opts.reason });
        printMessage(format, BatchDeleteUsersResponseSchema, res, (r) => r.deleted.map(deletedLine).join("\n"));
      }),
    );
}
