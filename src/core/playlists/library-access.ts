// Who may do what in the room library (spec 02 §3.4, 04 §9.1): the room gate, members only (guests
// are refused), then the permission bit; ownership applies on top of bits — editing needs
// manage_own_media and being the creator, deleting one's own item needs no bit, deleting someone
// else's needs delete_media.
import type { DbExecutor } from "../../infra/db/database-port.js";
import type { Actor } from "../actor.js";
import { permissionDenied } from "../errors.js";
import { has, type Permission } from "../permissions/index.js";
import { type RoomAccess, type RoomContext, requireMember, requirePermission } from "../rooms/room-access.js";

export interface LibraryContext {
  room: RoomContext;
  roomId: number;
  userId: number;
}

/**
 * Gate for one library call. Reads keep working for members of a banned or closed room (04 §2.3);
 * writes pass `db` so the checks and the change read one transaction.
 */
export async function enterLibrary(
  access: RoomAccess,
  actor: Actor,
  roomId: number,
  permission: Permission | null,
  options: { read: boolean; db?: DbExecutor },
): Promise<LibraryContext> {
  const room = await access.enter(actor, roomId, {
    exception: options.read ? "member-read" : "none",
    db: options.db,
  });
  const member = requireMember(room);
  if (permission !== null) requirePermission(room, permission);
  return { room, roomId, userId: member.userId };
}

/** Editing an item: its creator only, with manage_own_media. */
export function requireEditable(lib: LibraryContext, creatorId: number): void {
  requirePermission(lib.room, "manage_own_media");
  if (creatorId !== lib.userId) throw permissionDenied("Only the item's creator can edit it");
}

/** Deleting an item: one's own freely, someone else's with delete_media (and its feature switch). */
export function requireDeletable(lib: LibraryContext, creatorId: number): void {
  if (creatorId === lib.userId) return;
  requirePermission(lib.room, "delete_media");
}

/** True when the caller may delete items of others (used to check whole subtrees at once). */
export function mayDeleteOthers(lib: LibraryContext): boolean {
  return has(lib.room.effective, "delete_media");
}
