// Access-class checks shared by every service (spec 02 §2.2): `user` RPCs need a signed-in user;
// a guest token there is PERMISSION_DENIED 4008; no credential is UNAUTHENTICATED.
import type { Actor } from "../actor.js";
import { unauthenticated } from "../errors.js";
import { guestNotAllowed } from "./auth-errors.js";

export type UserActor = Extract<Actor, { kind: "user" }>;

export function requireUser(actor: Actor): UserActor {
  if (actor.kind === "user") return actor;
  if (actor.kind === "guest") throw guestNotAllowed("This action needs a signed-in user");
  throw unauthenticated("Authentication required");
}
