// UpdateRoomVisibility (spec 04 §5, §6): `manage_room_settings` lists or unlists the room. Going
// private revokes every guest token in the same transaction; an unchanged value writes nothing.
import { eq, sql } from "drizzle-orm";
import { rooms } from "../../../infra/db/schema/index.js";
import type { Actor } from "../../actor.js";
import type { RoomLifecycleDeps } from "../lifecycle/lifecycle-deps.js";
import { roomEvent } from "../lifecycle/room-events.js";
import { loadRoomView, type RoomView } from "../lifecycle/room-views.js";
import { bumpGuestVersion } from "../lifecycle/room-writes.js";
import { requirePermission } from "../room-access.js";

export class RoomVisibility {
  constructor(private readonly deps: RoomLifecycleDeps) {}

  async setVisibility(actor: Actor, roomId: number, isPublic: boolean): Promise<RoomView> {
    const { access, writer, database, settings, clock } = this.deps;
    await writer.run(async (tx, events) => {
      const ctx = await access.enter(actor, roomId, { db: tx, lockRoom: true, lockMember: "share" });
      requirePermission(ctx, "manage_room_settings");
      if (ctx.state.isPublic === isPublic) return;
      const [row] = await tx
        .update(rooms)
        .set({ isPublic, version: sql`${rooms.version} + 1` })
        .where(eq(rooms.id, roomId))
        .returning({ version: rooms.version });
      const guestVersion = isPublic ? undefined : await bumpGuestVersion(tx, roomId);
      await events.append(
        roomEvent(
          roomId,
          "room.visibility_changed",
          actor.kind === "user" ? actor.userId : null,
          { isPublic, ...(guestVersion === undefined ? {} : { guestVersion }) },
          row?.version,
        ),
      );
    });
    return loadRoomView(database.db, roomId, settings.current(), clock.now());
  }
}
