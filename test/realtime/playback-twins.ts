// "The same request over another channel gives the same result" (spec 03 §1): the twin room is changed
// through the unary RPC, and the comparable part of each room's playback state is read back.
import { expect } from "vitest";
import type { TestRoom } from "../rooms/members-fixtures.js";
import { callJson } from "../support/connect-json.js";
import type { TestNode } from "../support/node-harness.js";

export interface ComparableState {
  position?: number;
  playing?: boolean;
  speed?: number;
  version?: string;
}

/** SEEK to 42, paused: the request every channel test also sends on its own channel. */
export async function seekTwinViaRpc(t: TestNode, room: TestRoom, token: string): Promise<void> {
  const rpc = await callJson(
    t.baseUrl,
    "synctv.v1.PlaybackService/UpdatePlaybackState",
    { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_SEEK", position: 42, playing: false },
    token,
  );
  expect(rpc.status).toBe(200);
}

export async function comparablePlayback(t: TestNode, room: TestRoom, token: string): Promise<ComparableState> {
  const r = await callJson<{ playbackState: ComparableState }>(
    t.baseUrl,
    "synctv.v1.PlaybackService/GetPlayback",
    { roomId: room.publicId },
    token,
  );
  const { position, playing, speed, version } = r.body.playbackState;
  return { position, playing, speed, version };
}
