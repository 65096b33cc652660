// A signed-in user's own account: read it, rename it (same rules as signup, 05 §1).

import type { Database } from "../../infra/db/database.js";
import type { Actor } from "../actor.js";
import { requireUser } from "../auth/access.js";
import { invalidArgument, notFound } from "../errors.js";
import { findUserById, setUsername, type UserAccount } from "./user-repository.js";
import { usernameViolations } from "./username-rules.js";

export class UserProfiles {
  constructor(private readonly database: Database) {}

  async getProfile(actor: Actor): Promise<UserAccount> {
    const { userId } = requireUser(actor);
    const user = await findUserById(this.database.db, userId);
    if (!user) throw notFound("User not found");
    return user;
  }

  async setUsername(actor: Actor, username: string): Promise<UserAccount> {
    const { userId } = requireUser(actor);
    const violations = usernameViolations(username, { selfSignup: true });
    if (violations.length > 0) {
      throw invalidArgument("Username is not allowed", {
        fieldViolations: violations.map((v) => ({ ...v, field: "username" })),
      });
    }
    return setUsername(this.database.db, userId, username);
  }
}
