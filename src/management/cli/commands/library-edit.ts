// `synctv playlist get|update|move ROOM …` and `synctv media add|update|move ROOM …` (08 §4.3).
// `media add` takes a provider and its config as ProtoJSON (`--config-json J` or `--config-file F`);
// `media update --url U` replaces a direct-URL item's source. Acting as `--as U`, else the creator.
import { readFile } from "node:fs/promises";
import { create, fromJson, type JsonValue } from "@bufbuild/protobuf";
import type { Command } from "commander";
import {
  AddMediaResponseSchema,
  GetPlaylistResponseSchema,
  MoveMediaResponseSchema,
  MovePlaylistResponseSchema,
  UpdateMediaResponseSchema,
  UpdatePlaylistResponseSchema,
} from "../../../../gen/synctv/management/v1/management_pb.js";
import { type MediaSourceConfig, MediaSourceConfigSchema } from "../../../../gen/synctv/v1/source_config_pb.js";
import { ExitCode } from "../exit-codes.js";
import { CliFailure } from "../remote/cli-failure.js";
import { mediaTable, playlistsTable } from "../remote/library-views.js";
import { printMessage } from "../remote/output.js";
import { runRemote } from "../remote/remote-command.js";
import { actorOf, asUserOption } from "./playback.js";

const asOption = () => asUserOption("the room's creator");

/** The providers `media add --provider` knows, as named in MediaSourceConfig (P1 serves direct_url). */
const PROVIDERS = ["direct_url", "alist", "emby", "rtmp", "live_proxy"];

/** `{provider: config}` ProtoJSON → MediaSourceConfig; bad JSON or fields are usage errors. */
export function sourceConfigOf(provider: string, configJson: string): MediaSourceConfig {
  if (!PROVIDERS.includes(provider)) {
    throw new CliFailure(`unknown provider '${provider}' (use ${PROVIDERS.join(", ")})`, ExitCode.USAGE);
  }
  let config: JsonValue;
  try {
    config = JSON.parse(configJson) as JsonValue;
  } catch {
    throw new CliFailure("the media config is not valid JSON", ExitCode.USAGE);
  }
  try {
    return fromJson(MediaSourceConfigSchema, { [provider]: config });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliFailure(`invalid media config: ${message.split("\n")[0]}`, ExitCode.USAGE);
  }
}

async function configText(opts: { configJson?: string; configFile?: string }): Promise<string> {
  if (opts.configJson !== undefined && opts.configFile !== undefined) {
    throw new CliFailure("give --config-json or --config-file, not both", ExitCode.USAGE);
  }
  if (opts.configJson !== undefined) return opts.configJson;
  if (opts.configFile === undefined) {
    throw new CliFailure("a media config is required: --config-json J or --config-file F", ExitCode.USAGE);
  }
  try {
    return await readFile(opts.configFile, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new CliFailure(`cannot read the config file ${opts.configFile} (${code})`, ExitCode.INVALID);
  }
}

/** `--before ID` / `--after ID` (at most one); undefined when neither is given and none is required. */
function anchorOf(opts: { before?: string; after?: string }, required: boolean) {
  if (opts.before !== undefined && opts.after !== undefined) {
    throw new CliFailure("give --before or --after, not both", ExitCode.USAGE);
  }
  if (opts.before !== undefined) return { before: true, id: opts.before };
  if (opts.after !== undefined) return { before: false, id: opts.after };
  if (required) throw new CliFailure("an anchor is required: --before ID or --after ID", ExitCode.USAGE);
  return undefined;
}

export function addPlaylistEditCommands(playlist: Command): void {
  playlist
    .command("get")
    .description("show one playlist")
    .argument("<room>", "room id (room_…)")
    .argument("<playlist>", "playlist id (pl_…)")
    .addOption(asOption())
    .action((roomId: string, playlistId: string, opts: { as?: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.getPlaylist({ roomId, playlistId, actor: actorOf(opts.as) });
        printMessage(format, GetPlaylistResponseSchema, res, (r) =>
          [
            r.playlist ? playlistsTable([r.playlist]) : "",
            `(${r.childPlaylistCount} playlist(s), ${r.mediaCount} media item(s) inside)`,
          ].join("\n"),
        );
      }),
    );

  playlist
    .command("update")
    .description("rename or re-describe a playlist")
    .argument("<room>", "room id (room_…)")
    .argument("<playlist>", "playlist id (pl_…)")
    .option("--name <name>", "new name")
    .option("--description <text>", "new description")
    .addOption(asOption())
    .action((roomId: string, playlistId: string, opts: { name?: string; description?: string; as?: string }, command) =>
      runRemote(command, async ({ client, format }) => {
        if (opts.name === undefined && opts.description === undefined) {
          throw new CliFailure("nothing to update: give --name or --description", ExitCode.USAGE);
        }
        const res = await client.updatePlaylist({
          roomId,
          playlistId,
          name: opts.name,
          description: opts.description,
          actor: actorOf(opts.as),
        });
        printMessage(
          format,
          UpdatePlaylistResponseSchema,
          res,
          (r) => `updated playlist ${r.playlist?.name} (${playlistId})`,
        );
      }),
    );

  playlist
    .command("move")
    .description("place a playlist before or after another one")
    .argument("<room>", "room id (room_…)")
    .argument("<playlist>", "playlist id (pl_…)")
    .option("--before <id>", "the playlist to land before (pl_…)")
    .option("--after <id>", "the playlist to land after (pl_…)")
    .addOption(asOption())
    .action((roomId: string, playlistId: string, opts: { before?: string; after?: string; as?: string }, command) =>
      runRemote(command, async ({ client, format }) => {
        const at = anchorOf(opts, true);
        const res = await client.movePlaylist({
          roomId,
          playlistId,
          anchor: at?.before
            ? { case: "beforePlaylistId", value: at.id }
            : { case: "afterPlaylistId", value: at?.id ?? "" },
          actor: actorOf(opts.as),
        });
        printMessage(
          format,
          MovePlaylistResponseSchema,
          res,
          (r) =>
            `moved playlist ${r.playlist?.name} ${opts.before !== undefined ? `before ${opts.before}` : `after ${opts.after}`}`,
        );
      }),
    );
}

export function addMediaEditCommands(media: Command): void {
  media
    .command("add")
    .description('add a media item from a provider config (ProtoJSON, e.g. direct_url: {"medias":[{"url":…}]})')
    .argument("<room>", "room id (room_…)")
    .requiredOption("--provider <provider>", `source provider: ${PROVIDERS.join(", ")}`)
    .option("--config-json <json>", "the provider's config as JSON")
    .option("--config-file <file>", "file holding the provider's config as JSON")
    .option("--name <name>", "display name", "")
    .option("--description <text>", "description", "")
    .option("--playlist-id <id>", "target playlist (pl_…); default the room root", "")
    .option("--provider-instance <name>", "provider instance name", "")
    .addOption(asOption())
    .action(
      (
        roomId: string,
        opts: {
          provider: string;
          configJson?: string;
          configFile?: string;
          name: string;
          description: string;
          playlistId: string;
          providerInstance: string;
          as?: string;
        },
        command: Command,
      ) =>
        runRemote(command, async ({ client, format }) => {
          const sourceConfig = sourceConfigOf(opts.provider, await configText(opts));
          const res = await client.addMedia({
            roomId,
            name: opts.name,
            description: opts.description,
            playlistId: opts.playlistId,
            providerInstanceName: opts.providerInstance,
            sourceConfig,
            actor: actorOf(opts.as),
          });
          printMessage(format, AddMediaResponseSchema, res, (r) => `added ${r.media?.name} (${r.media?.id})`);
        }),
    );

  media
    .command("update")
    .description("edit a media item's name, description or direct URL")
    .argument("<room>", "room id (room_…)")
    .argument("<media>", "media id (med_…)")
    .option("--name <name>", "new display name")
    .option("--description <text>", "new description")
    .option("--url <url>", "new direct URL (replaces the source)")
    .addOption(asOption())
    .action(
      (
        roomId: string,
        mediaId: string,
        opts: { name?: string; description?: string; url?: string; as?: string },
        command: Command,
      ) =>
        runRemote(command, async ({ client, format }) => {
          if (opts.name === undefined && opts.description === undefined && opts.url === undefined) {
            throw new CliFailure("nothing to update: give --name, --description or --url", ExitCode.USAGE);
          }
          const res = await client.updateMedia({
            roomId,
            mediaId,
            name: opts.name,
            description: opts.description,
            sourceConfig:
              opts.url === undefined
                ? undefined
                : create(MediaSourceConfigSchema, {
                    source: { case: "directUrl", value: { medias: [{ url: opts.url }] } },
                  }),
            actor: actorOf(opts.as),
          });
          printMessage(format, UpdateMediaResponseSchema, res, (r) => `updated ${r.media?.name} (${mediaId})`);
        }),
    );

  media
    .command("move")
    .description("move media items into a playlist (keeping their order)")
    .argument("<room>", "room id (room_…)")
    .argument("<media...>", "media ids (med_…)")
    .option("--to-playlist-id <id>", "target playlist (pl_…); default the room root", "")
    .option("--before <id>", "land before this item of the target (med_…)")
    .option("--after <id>", "land after this item of the target (med_…)")
    .addOption(asOption())
    .action(
      (
        roomId: string,
        mediaIds: string[],
        opts: { toPlaylistId: string; before?: string; after?: string; as?: string },
        command: Command,
      ) =>
        runRemote(command, async ({ client, format }) => {
          const at = anchorOf(opts, false);
          const res = await client.moveMedia({
            roomId,
            mediaIds,
            targetPlaylistId: opts.toPlaylistId,
            anchor:
              at === undefined
                ? { case: undefined }
                : at.before
                  ? { case: "beforeMediaId", value: at.id }
                  : { case: "afterMediaId", value: at.id },
            actor: actorOf(opts.as),
          });
          printMessage(
            format,
            MoveMediaResponseSchema,
            res,
            (r) => `moved ${r.media.length} item(s)\n${mediaTable(r.media)}`,
          );
        }),
    );
}
