// `synctv playlist list|create|delete ROOM …` and `synctv media list|add-url|delete ROOM …`
// (08 §4.3; get/update/move and add/update/move in library-edit.ts). Library entries name a user
// as creator, so these act as `--as U` when given, else as the room's creator.
import { type Command, InvalidArgumentError } from "commander";
import {
  AddUrlMediaResponseSchema,
  CreatePlaylistResponseSchema,
  DeleteMediaResponseSchema,
  DeletePlaylistResponseSchema,
  ListMediaResponseSchema,
  ListPlaylistsResponseSchema,
} from "../../../../gen/synctv/management/v1/management_pb.js";
import { mediaTable, playlistsTable } from "../remote/library-views.js";
import { printMessage } from "../remote/output.js";
import { runRemote } from "../remote/remote-command.js";
import { addMediaEditCommands, addPlaylistEditCommands } from "./library-edit.js";
import { actorOf, asUserOption } from "./playback.js";
import { nonNegativeInt } from "./user.js";

const pagination = (opts: { page?: number; pageSize?: number }) => ({
  page: opts.page ?? 0,
  pageSize: opts.pageSize ?? 0,
});

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be seconds > 0");
  return n;
}

const asOption = () => asUserOption("the room's creator");

type ListOpts = { search?: string; page?: number; pageSize?: number; as?: string };

export function registerLibraryCommands(program: Command): void {
  const playlist = program.command("playlist").description("playlists of a room's library");

  playlist
    .command("list")
    .description("list the playlists under a parent (default: top level)")
    .argument("<room>", "room id (room_…)")
    .option("--parent-id <id>", "parent playlist (pl_…)", "")
    .option("--search <text>", "part of the name")
    .option("--page <n>", "page number (1-based)", nonNegativeInt)
    .option("--page-size <n>", "playlists per page (≤ 100)", nonNegativeInt)
    .addOption(asOption())
    .action((roomId: string, opts: ListOpts & { parentId: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.listPlaylists({
          roomId,
          parentId: opts.parentId,
          search: opts.search ?? "",
          pagination: pagination(opts),
          actor: actorOf(opts.as),
        });
        printMessage(
          format,
          ListPlaylistsResponseSchema,
          res,
          (r) => `${playlistsTable(r.playlists)}\n(${r.total} total)`,
        );
      }),
    );

  playlist
    .command("create")
    .description("create a playlist")
    .argument("<room>", "room id (room_…)")
    .argument("<name>", "playlist name")
    .option("--description <text>", "description", "")
    .option("--parent-id <id>", "parent playlist (pl_…)", "")
    .addOption(asOption())
    .action(
      (roomId: string, name: string, opts: { description: string; parentId: string; as?: string }, command: Command) =>
        runRemote(command, async ({ client, format }) => {
          const res = await client.createPlaylist({
            roomId,
            name,
            description: opts.description,
            parentId: opts.parentId,
            actor: actorOf(opts.as),
          });
          printMessage(
            format,
            CreatePlaylistResponseSchema,
            res,
            (r) => `created playlist ${r.playlist?.name} (${r.playlist?.id})`,
          );
        }),
    );

  playlist
    .command("delete")
    .description("delete a playlist (--force when it is not empty)")
    .argument("<room>", "room id (room_…)")
    .argument("<playlist>", "playlist id (pl_…)")
    .option("--force", "also delete its contents")
    .addOption(asOption())
    .action((roomId: string, playlistId: string, opts: { force?: boolean; as?: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.deletePlaylist({
          roomId,
          playlistId,
          force: opts.force === true,
          actor: actorOf(opts.as),
        });
        printMessage(
          format,
          DeletePlaylistResponseSchema,
          res,
          (r) => `deleted ${r.deletedPlaylists} playlist(s) and ${r.deletedMedia} media item(s)`,
        );
      }),
    );

  const media = program.command("media").description("media items of a room's library");

  media
    .command("list")
    .description("list the items of a playlist (default: the room root)")
    .argument("<room>", "room id (room_…)")
    .option("--playlist-id <id>", "playlist (pl_…)", "")
    .option("--search <text>", "part of the name")
    .option("--page <n>", "page number (1-based)", nonNegativeInt)
    .option("--page-size <n>", "items per page (≤ 100)", nonNegativeInt)
    .addOption(asOption())
    .action((roomId: string, opts: ListOpts & { playlistId: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.listMedia({
          roomId,
          playlistId: opts.playlistId,
          search: opts.search ?? "",
          pagination: pagination(opts),
          actor: actorOf(opts.as),
        });
        printMessage(format, ListMediaResponseSchema, res, (r) =>
          [
            ...(r.playlists.length > 0 ? [playlistsTable(r.playlists), ""] : []),
            mediaTable(r.media),
            `(${r.total} total)`,
          ].join("\n"),
        );
      }),
    );

  media
    .command("add-url")
    .description("add a direct-URL media item (format detected from the URL)")
    .argument("<room>", "room id (room_…)")
    .argument("<url>", "http(s) URL of the media")
    .option("--name <name>", "display name", "")
    .option("--description <text>", "description", "")
    .option("--playlist-id <id>", "target playlist (pl_…); default the room root", "")
    .option("--duration-seconds <s>", "known duration", positiveSeconds)
    .addOption(asOption())
    .action(
      (
        roomId: string,
        url: string,
        opts: { name: string; description: string; playlistId: string; durationSeconds?: number; as?: string },
        command: Command,
      ) =>
        runRemote(command, async ({ client, format }) => {
          const res = await client.addUrlMedia({
            roomId,
            url,
            name: opts.name,
            description: opts.description,
            playlistId: opts.playlistId,
            durationSeconds: opts.durationSeconds,
            actor: actorOf(opts.as),
          });
          printMessage(format, AddUrlMediaResponseSchema, res, (r) => `added ${r.media?.name} (${r.media?.id})`);
        }),
    );

  media
    .command("delete")
    .description("delete a media item (--force while it plays)")
    .argument("<room>", "room id (room_…)")
    .argument("<media>", "media id (med_…)")
    .option("--force", "also delete it while it plays (playback stops)")
    .addOption(asOption())
    .action((roomId: string, mediaId: string, opts: { force?: boolean; as?: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.deleteMedia({ roomId, mediaId, force: opts.force === true, actor: actorOf(opts.as) });
        printMessage(format, DeleteMediaResponseSchema, res, () => `deleted media ${mediaId}`);
      }),
    );

  addPlaylistEditCommands(playlist);
  addMediaEditCommands(media);
}
