// A room as the API shows it: the gate state of room-state.ts plus the owner's username. Lists load
// each room's state (a page holds at most 100) and every owner's name in one query.
import { inArray } from "drizzle-orm";
import type { DbExecutor } from "../../../infra/db/database-port.js";
import { userAccountProfiles } from "../../../infra/db/views/user-account-profiles.js";
import { notFound } from "../../errors.js";
import type { RoomPresenceCounts } from "../../realtime-runtime/presence-identity.js";
import type { RuntimeSettings } from "../../settings/runtime-settings.js";
import { loadRoomState, type RoomState } from "../room-state.js";

export interface RoomView {
  state: RoomState;
  creatorUsername: string;
  /** Live presence counters, when the node tracks presence (Room.presence). */
  presence?: RoomPresenceCounts;
}

export async function usernamesOf(db: DbExecutor, userIds: readonly number[]): Promise<Map<number, string>> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({ id: userAccountProfiles.id, username: userAccountProfiles.username })
    .from(userAccountProfiles)
    .where(inArray(userAccountProfiles.id, unique));
  return new Map(rows.map((r) => [r.id, r.username]));
}

export async function viewOf(db: DbExecutor, state: RoomState): Promise<RoomView> {
  const names = await usernamesOf(db, [state.createdBy]);
  return { state, creatorUsername: names.get(state.createdBy) ?? "" };
}

/** The live room's view; NOT_FOUND when it is missing or deleted. */
export async function loadRoomView(db: DbExecutor, roomId: number, runtime: RuntimeSettings, now: number) {
  const state = await loadRoomState(db, roomId, runtime, now);
  if (state === null) throw notFound("Room not found");
  return viewOf(db, state);
}

/** Views of `roomIds` in the given order; rooms deleted meanwhile are left out. */
export async function loadRoomViews(
  db: DbExecutor,
  roomIds: readonly number[],
  runtime: RuntimeSettings,
  now: number,
): Promise<RoomView[]> {
  const states: RoomState[] = [];
  for (const id of roomIds) {
    const state = await loadRoomState(db, id, runtime, now);
    if (state !== null) states.push(state);
  }
  const names = await usernamesOf(
    db,
    states.map((s) => s.createdBy),
  );
  return states.map((state) => ({ state, creatorUsername: names.get(state.createdBy) ?? "" }));
}
