// The room lifecycle core as one object for the composition root: creation, reads, deletion,
// ownership transfer, settings, visibility, password, discovery, the caller's own room list and
// platform room bans.

import { MyRooms } from "../discovery/my-rooms.js";
import { RoomDiscovery } from "../discovery/room-discovery.js";
import { RoomBans } from "../moderation/room-bans.js";
import { RoomPassword } from "../settings/room-password.js";
import { RoomSettingsService } from "../settings/room-settings-service.js";
import { RoomVisibility } from "../settings/room-visibility.js";
import type { RoomLifecycleDeps } from "./lifecycle-deps.js";
import { OwnershipTransfer } from "./ownership-transfer.js";
import { RoomCreation } from "./room-creation.js";
import { RoomDeletion } from "./room-deletion.js";
import { RoomReads } from "./room-reads.js";

export interface RoomLifecycle {
  creation: RoomCreation;
  reads: RoomReads;
  deletion: RoomDeletion;
  transfer: OwnershipTransfer;
  settings: RoomSettingsService;
  visibility: RoomVisibility;
  password: RoomPassword;
  discovery: RoomDiscovery;
  myRooms: MyRooms;
  bans: RoomBans;
}

export function createRoomLifecycle(deps: RoomLifecycleDeps): RoomLifecycle {
  return {
    creation: new RoomCreation(deps),
    reads: new RoomReads(deps),
    deletion: new RoomDeletion(deps),
    transfer: new OwnershipTransfer(deps),
    settings: new RoomSettingsService(deps),
    visibility: new RoomVisibility(deps),
    password: new RoomPassword(deps),
    discovery: new RoomDiscovery(deps),
    myRooms: new MyRooms(deps),
    bans: new RoomBans(deps),
  };
}
