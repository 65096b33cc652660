// `synctv room create|list|get|delete|member list|add|kick|playback …` (08 §4.3; moderation, password,
// ownership, visibility, settings and member edits in room-admin.ts). Rooms are named by
// their public id (room_…). `room create` acts as `--username U`, who becomes the creator; member
// commands act as `--as U` when given, else as local-management (creator-level in every room).
import { type Command, Option } from "commander";
import {
  AddRoomMemberResponseSchema,
  CreateRoomResponseSchema,
  DeleteRoomResponseSchema,
  GetRoomResponseSchema,
  KickRoomMemberResponseSchema,
  ListRoomMembersResponseSchema,
  ListRoomsResponseSchema,
} from "../../../../gen/synctv/management/v1/management_pb.js";
import { RoomMemberRole } from "../../../../gen/synctv/v1/room_pb.js";
import { membersTable, roomDetails, roomsTable } from "../remote/human-views.js";
import { printMessage } from "../remote/output.js";
import { runRemote } from "../remote/remote-command.js";
import { userRefArgument } from "../remote/user-ref-argument.js";
import { addPlaybackCommands, asUserOption } from "./playback.js";
import { addRoomAdminCommands } from "./room-admin.js";
import { nonNegativeInt } from "./user.js";

const pagination = (opts: { page?: number; pageSize?: number }) => ({
  page: opts.page ?? 0,
  pageSize: opts.pageSize ?? 0,
});

export function registerRoomCommands(program: Command): void {
  const room = program.command("room").description("rooms on the running server");

  room
    .command("create")
    .description("create a room owned by a user")
    .argument("<name>", "room name")
    .requiredOption("--username <user>", "the owner (id, username or email); the room is created as this user")
    .option("--description <text>", "room description", "")
    .option("--private", "hide the room from discovery")
    .action((name: string, opts: { username: string; description: string; private?: boolean }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.createRoom({
          actor: userRefArgument(opts.username),
          name,
          description: opts.description,
          isPublic: opts.private ? false : undefined,
        });
        printMessage(format, CreateRoomResponseSchema, res, (r) => `created room ${r.room?.name} (${r.room?.id})`);
      }),
    );

  room
    .command("list")
    .description("list every live room, newest first")
    .option("--search <text>", "part of the name or description")
    .option("--page <n>", "page number (1-based)", nonNegativeInt)
    .option("--page-size <n>", "rooms per page (≤ 100)", nonNegativeInt)
    .action((opts: { search?: string; page?: number; pageSize?: number }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.listRooms({ search: opts.search ?? "", pagination: pagination(opts) });
        printMessage(format, ListRoomsResponseSchema, res, (r) => `${roomsTable(r.rooms)}\n(${r.total} total)`);
      }),
    );

  room
    .command("get")
    .description("show one room")
    .argument("<room>", "room id (room_…)")
    .action((roomId: string, _opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.getRoom({ roomId });
        printMessage(format, GetRoomResponseSchema, res, (r) => (r.room ? roomDetails(r.room) : ""));
      }),
    );

  room
    .command("delete")
    .description("delete a room (members are removed; there is no restore)")
    .argument("<room>", "room id (room_…)")
    .action((roomId: string, _opts, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.deleteRoom({ roomId });
        printMessage(format, DeleteRoomResponseSchema, res, () => `deleted room ${roomId}`);
      }),
    );

  addPlaybackCommands(room.command("playback").description("the room's playback (same as `synctv playback`)"));

  const member = room.command("member").description("members of a room");
  const asOption = () => asUserOption("local-management");

  member
    .command("list")
    .description("list a room's members")
    .argument("<room>", "room id (room_…)")
    .option("--search <text>", "part of the username or remark name")
    .option("--page <n>", "page number (1-based)", nonNegativeInt)
    .option("--page-size <n>", "members per page (≤ 100)", nonNegativeInt)
    .addOption(asOption())
    .action(
      (roomId: string, opts: { search?: string; page?: number; pageSize?: number; as?: string }, command: Command) =>
        runRemote(command, async ({ client, format }) => {
          const res = await client.listRoomMembers({
            roomId,
            search: opts.search ?? "",
            pagination: pagination(opts),
            actor: opts.as === undefined ? undefined : userRefArgument(opts.as),
          });
          printMessage(
            format,
            ListRoomMembersResponseSchema,
            res,
            (r) => `${membersTable(r.members)}\n(${r.total} total)`,
          );
        }),
    );

  member
    .command("add")
    .description("add a user to a room")
    .argument("<room>", "room id (room_…)")
    .argument("<user>", "id, username or email")
    .addOption(new Option("--role <role>", "member or admin").choices(["member", "admin"]).default("member"))
    .addOption(asOption())
    .action((roomId: string, target: string, opts: { role: string; as?: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.addRoomMember({
          roomId,
          user: userRefArgument(target),
          role: opts.role === "admin" ? RoomMemberRole.ADMIN : RoomMemberRole.MEMBER,
          actor: opts.as === undefined ? undefined : userRefArgument(opts.as),
        });
        printMessage(format, AddRoomMemberResponseSchema, res, (r) => `added ${r.member?.username} to ${roomId}`);
      }),
    );

  member
    .command("kick")
    .description("remove a member from a room (with a rejoin cooldown)")
    .argument("<room>", "room id (room_…)")
    .argument("<user>", "id, username or email")
    .option("--reason <reason>", "why", "")
    .requiredOption("--cooldown-seconds <n>", "how long before the user may rejoin (1–2592000)", nonNegativeInt)
    .addOption(asOption())
    .action(
      (
        roomId: string,
        target: string,
        opts: { reason: string; cooldownSeconds: number; as?: string },
        command: Command,
      ) =>
        runRemote(command, async ({ client, format }) => {
          const res = await client.kickRoomMember({
            roomId,
            user: userRefArgument(target),
            reason: opts.reason,
            cooldownSeconds: BigInt(opts.cooldownSeconds),
            actor: opts.as === undefined ? undefined : userRefArgument(opts.as),
          });
          printMessage(
            format,
            KickRoomMemberResponseSchema,
            res,
            (r) => `kicked ${target} from ${roomId}; may rejoin at ${new Date(Number(r.cooldownEndsAt)).toISOString()}`,
          );
        }),
    );

  addRoomAdminCommands(room, member);
}
