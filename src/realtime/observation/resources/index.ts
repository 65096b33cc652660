// The observable resources this node serves (spec 03 §2), one factory per `ObserveResource` case.
// A case missing here (chat_pin_events, and online_count, online_event until their owners
// register them) answers UNIMPLEMENTED; see resource-definition.ts for how to add one.
import type { ResourceFactory } from "../resource-definition.js";
import { chatEventsResource } from "./chat-events.js";
import { onlineCountResource, onlineEventResource } from "./online-presence.js";
import { playbackResource } from "./playback.js";
import { playbackHistoryResource } from "./playback-history.js";
import { playbackStateResource } from "./playback-state.js";
import { playlistItemsResource } from "./playlist-items.js";
import { roomMemberEventsResource } from "./room-member-events.js";
import { roomSettingsResource } from "./room-settings.js";
import { selfRoomMemberResource } from "./self-room-member.js";

export const observableResources: readonly ResourceFactory[] = [
  playbackStateResource,
  playbackResource,
  roomSettingsResource,
  playlistItemsResource,
  roomMemberEventsResource,
  selfRoomMemberResource,
  playbackHistoryResource,
  onlineCountResource,
  onlineEventResource,
  chatEventsResource,
];
