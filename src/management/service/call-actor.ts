// Who a management call acts as (08 §4.1): the named `actor` (acting with their own rights), else the
// synthetic root local-management, or — for library writes, whose rows name a user as creator and
// deleter — the room's creator. Every "as user" choice is noted in the call's audit details.
import type { UserRef } from "../../../gen/synctv/management/v1/management_pb.js";
import type { Actor } from "../../core/actor.js";
import type { AuditContext } from "../../core/audit/audit-entry.js";
import type { ManagementServiceDeps } from "./management-deps.js";
import { actingUser, userReference } from "./user-refs.js";

/** The management plane's synthetic root (08 §4.1). */
export const managementActor: Actor = { kind: "management" };

type ActorDeps = Pick<ManagementServiceDeps, "users" | "ids" | "rooms">;

/** `actor` when given, else local-management (admitted to every room at creator level, 04 §2.3). */
export async function actorOrManagement(
  deps: ActorDeps,
  ref: UserRef | undefined,
  audit?: AuditContext,
): Promise<Actor> {
  if (ref === undefined) return managementActor;
  const account = await deps.users.resolve(userReference(ref, deps.ids, "actor"));
  audit?.detail({ as_user_id: deps.ids.encode("usr", account.id) });
  return actingUser(account);
}

/** `actor` when given, else the room's creator: the library admits members only (02 §3.4). */
export async function actorOrRoomCreator(
  deps: ActorDeps,
  roomId: number,
  ref: UserRef | undefined,
  audit?: AuditContext,
): Promise<Actor> {
  const userId =
    ref !== undefined
      ? (await deps.users.resolve(userReference(ref, deps.ids, "actor"))).id
      : (await deps.rooms.discovery.getOne(managementActor, roomId)).view.state.createdBy;
  audit?.detail({ as_user_id: deps.ids.encode("usr", userId) });
  return actingUser(await deps.users.resolve({ kind: "id", id: userId }));
}
