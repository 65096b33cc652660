// `synctv playback get|start|play|pause|seek|speed|stop|next|previous ROOM` (08 §4.3), also under
// `synctv room playback`. Each acts as `--as U` when given, else as local-management; the server runs
// the same transition as PlaybackService.
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  GetPlaybackResponseSchema,
  PlayNextResponseSchema,
  PlayPreviousResponseSchema,
  StartPlaybackResponseSchema,
  StopPlaybackResponseSchema,
  UpdatePlaybackStateResponseSchema,
} from "../../../../gen/synctv/management/v1/management_pb.js";
import { PlaybackUpdateType } from "../../../../gen/synctv/v1/playback_pb.js";
import { playbackDetails, playbackSentence } from "../remote/library-views.js";
import { printMessage } from "../remote/output.js";
import { runRemote } from "../remote/remote-command.js";
import { userRefArgument } from "../remote/user-ref-argument.js";

export const asUserOption = (fallback: string) => new Option("--as <user>", `act as this user (default: ${fallback})`);

export const actorOf = (as: string | undefined) => (as === undefined ? undefined : userRefArgument(as));

function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError("must be seconds ≥ 0");
  return n;
}

function rate(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a number > 0");
  return n;
}

type UpdateName = "play" | "pause" | "seek" | "speed";
const UPDATES: Record<UpdateName, { type: PlaybackUpdateType; description: string }> = {
  play: { type: PlaybackUpdateType.PLAY, description: "resume playback (optionally from --position)" },
  pause: { type: PlaybackUpdateType.PAUSE, description: "pause playback (optionally at --position)" },
  seek: { type: PlaybackUpdateType.SEEK, description: "jump to --position" },
  speed: { type: PlaybackUpdateType.SPEED, description: "set the playback --speed" },
};

export function registerPlaybackCommands(program: Command): void {
  addPlaybackCommands(program.command("playback").description("the room's playback"));
}

/** The playback subcommands, on `synctv playback` and on `synctv room playback`. */
export function addPlaybackCommands(playback: Command): void {
  const asOption = () => asUserOption("local-management");

  playback
    .command("get")
    .description("show what plays and where")
    .argument("<room>", "room id (room_…)")
    .addOption(asOption())
    .action((roomId: string, opts: { as?: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.getPlayback({ roomId, actor: actorOf(opts.as) });
        printMessage(format, GetPlaybackResponseSchema, res, (r) => playbackDetails(r.playbackState, roomId));
      }),
    );

  playback
    .command("start")
    .description("start playing a media item from the beginning")
    .argument("<room>", "room id (room_…)")
    .requiredOption("--media-id <id>", "the item to play (med_…)")
    .option("--playlist-id <id>", "its playlist context (pl_…)", "")
    .addOption(asOption())
    .action((roomId: string, opts: { mediaId: string; playlistId: string; as?: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.startPlayback({
          roomId,
          mediaId: opts.mediaId,
          playlistId: opts.playlistId,
          actor: actorOf(opts.as),
        });
        printMessage(format, StartPlaybackResponseSchema, res, (r) => playbackSentence(r.playbackState, roomId));
      }),
    );

  for (const [name, update] of Object.entries(UPDATES) as [UpdateName, (typeof UPDATES)[UpdateName]][]) {
    const sub = playback.command(name).description(update.description).argument("<room>", "room id (room_…)");
    if (name === "seek") sub.requiredOption("--position <seconds>", "where to jump", seconds);
    else if (name === "speed") sub.requiredOption("--speed <rate>", "playback rate, e.g. 1.5", rate);
    else sub.option("--position <seconds>", "where to play or pause", seconds);
    sub
      .addOption(asOption())
      .action((roomId: string, opts: { position?: number; speed?: number; as?: string }, command: Command) =>
        runRemote(command, async ({ client, format }) => {
          const res = await client.updatePlaybackState({
            roomId,
            type: update.type,
            position: opts.position,
            speed: opts.speed,
            actor: actorOf(opts.as),
          });
          printMessage(format, UpdatePlaybackStateResponseSchema, res, (r) =>
            playbackSentence(r.playbackState, roomId),
          );
        }),
      );
  }

  playback
    .command("stop")
    .description("stop playback (nothing plays)")
    .argument("<room>", "room id (room_…)")
    .addOption(asOption())
    .action((roomId: string, opts: { as?: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.stopPlayback({ roomId, actor: actorOf(opts.as) });
        printMessage(format, StopPlaybackResponseSchema, res, () => `stopped playback in ${roomId}`);
      }),
    );

  playback
    .command("next")
    .description("play the next item (play mode rules apply)")
    .argument("<room>", "room id (room_…)")
    .addOption(asOption())
    .action((roomId: string, opts: { as?: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.playNext({ roomId, actor: actorOf(opts.as) });
        printMessage(format, PlayNextResponseSchema, res, (r) => playbackSentence(r.playbackState, roomId));
      }),
    );

  playback
    .command("previous")
    .description("play the previous item")
    .argument("<room>", "room id (room_…)")
    .addOption(asOption())
    .action((roomId: string, opts: { as?: string }, command: Command) =>
      runRemote(command, async ({ client, format }) => {
        const res = await client.playPrevious({ roomId, actor: actorOf(opts.as) });
        printMessage(format, PlayPreviousResponseSchema, res, (r) => playbackSentence(r.playbackState, roomId));
      }),
    );
}
