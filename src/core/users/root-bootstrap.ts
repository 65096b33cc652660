// The first administrator (spec 05 §12, 08 §3.5). Production: `bootstrap.create_root_user` creates
// the configured root once when no live root exists. Embedded development: with no admin at all, a
// `root` account with a generated password is created, the password kept in the dev-secrets file
// and printed once to stderr (never through the logger). Otherwise a server with no admin still
// starts and says so loudly.
import { randomBytes } from "node:crypto";
import type { Database } from "../../infra/db/database.js";
import type { Logger } from "../../infra/logging/logger.js";
import { signupCredentialIdentifier } from "../auth/identifiers.js";
import type { OpaqueService } from "../auth/opaque/opaque-service.js";
import { OPAQUE_CIPHERSUITE, OPAQUE_SETUP_VERSION } from "../auth/opaque/opaque-service.js";
import {
  countLiveAdmins,
  createUserWithPassword,
  findLiveUserByCanonicalUsername,
  liveRootExists,
} from "./user-repository.js";
import { canonicalUsername } from "./username-rules.js";

export interface RootBootstrapOptions {
  database: Database;
  opaque: OpaqueService;
  log: Logger;
  bootstrap: { create_root_user: boolean; root_username: string; root_password: string };
  /** Embedded mode with generated development secrets. */
  devMode: boolean;
  /** Values that ship in docs or fixtures and so are never acceptable passwords. */
  knownPublicValues: readonly string[];
  persistDevRootPassword(password: string): Promise<void>;
  announceOnce(text: string): void;
}

export type BootstrapOutcome = "created_configured_root" | "created_dev_root" | "admin_exists" | "no_admin";

export async function bootstrapRoot(o: RootBootstrapOptions): Promise<BootstrapOutcome> {
  const { database } = o;
  if (o.bootstrap.create_root_user && !(await liveRootExists(database.db))) {
    const problem = rootPasswordProblem(o.bootstrap.root_password, o.knownPublicValues);
    const empty = (await countLiveAdmins(database.db)) === 0;
    if (problem) {
      if (empty) throw new Error(`bootstrap.root_password ${problem}`);
      o.log.warn({ key: "bootstrap.root_password" }, `root not created: the password ${problem}`);
    } else {
      const existing = await findLiveUserByCanonicalUsername(database.db, canonicalUsername(o.bootstrap.root_username));
      if (existing && existing.role !== "ROOT") {
        throw new Error(`bootstrap.root_username '${o.bootstrap.root_username}' belongs to a non-root user`);
      }
      await createRoot(o, o.bootstrap.root_username, o.bootstrap.root_password);
      o.log.info({ username: o.bootstrap.root_username }, "bootstrap root user created");
      return "created_configured_root";
    }
  }
  if ((await countLiveAdmins(database.db)) > 0) return "admin_exists";
  if (o.devMode && !(await findLiveUserByCanonicalUsername(database.db, "root"))) {
    const password = generatedPassword();
    await createRoot(o, "root", password);
    await o.persistDevRootPassword(password);
    o.announceOnce(
      `\n  SyncTV development root account created\n    username: root\n    password: ${password}\n` +
        "  (kept in the data dir's secrets/dev-secrets.json; shown only this once)\n\n",
    );
    return "created_dev_root";
  }
  return "no_admin";
}

async function createRoot(o: RootBootstrapOptions, username: string, password: string): Promise<void> {
  const identifier = signupCredentialIdentifier(canonicalUsername(username));
  const { registrationRecord } = await o.opaque.registerPassword(identifier, password);
  await o.database.tx((tx) =>
    createUserWithPassword(tx, {
      username,
      role: "ROOT",
      signupMethod: "bootstrap",
      credential: {
        record: registrationRecord,
        identifier: Buffer.from(identifier, "utf8"),
        ciphersuite: OPAQUE_CIPHERSUITE,
        setupVersion: OPAQUE_SETUP_VERSION,
      },
    }),
  );
}

/** Spec 05 §12: non-empty, not `root`, not a published value, ≥ 12 chars with upper, lower and digit. */
export function rootPasswordProblem(password: string, knownPublicValues: readonly string[]): string | null {
  if (password === "") return "is empty";
  if (password.toLowerCase() === "root" || knownPublicValues.includes(password)) return "is a known value";
  if (password.length < 12) return "is shorter than 12 characters";
  if (!/[A-Z]/.test(password) || !/[a-z]/.test(password) || !/[0-9]/.test(password)) {
    return "needs upper-case, lower-case and digit characters";
  }
  return null;
}

/** 20 characters from three classes, so it passes every password policy we ship. */
function generatedPassword(): string {
  const body = randomBytes(15).toString("base64url").replace(/[-_]/g, "x");
  return `${body}Aa1`;
}
