// Signing in (spec 05 §3.1–3.3): StartLogin identifies the account (or a decoy) in padded time;
// the finishers consume the login session, check brute force before the expensive work, and fail
// identically for unknown accounts and wrong passwords.
import {
  findLiveUserByCanonicalUsername,
  findLiveUserByEmail,
  getPasswordCredential,
} from "../users/user-repository.js";
import type { AuthDeps, RequestOrigin } from "./auth-deps.js";
import { invalidCredentials } from "./auth-errors.js";
import { AUTH_SESSION_TTL_MS, AuthSessions, type LoginMethodName } from "./auth-sessions.js";
import { loginAccountKey, normalizeIdentifier } from "./identifiers.js";
import type { SessionTokens } from "./session-tokens.js";

const PAD_MIN_MS = 100;
const PAD_MAX_MS = 200;

export interface StartedLogin {
  loginSessionId: string;
  methods: LoginMethodName[];
  expiresAt: number;
}

export class LoginFlows {
  readonly #sessions: AuthSessions;
  constructor(
    private readonly deps: AuthDeps,
    private readonly sessionTokens: SessionTokens,
  ) {
    this.#sessions = new AuthSessions(deps.store, deps.random);
  }

  async startLogin(rawIdentifier: string, origin: RequestOrigin): Promise<StartedLogin> {
    const { clock, random, database } = this.deps;
    const started = clock.now();
    const padUntil = started + random.int(PAD_MIN_MS, PAD_MAX_MS + 1);
    const id = normalizeIdentifier(rawIdentifier);
    const accountKey = loginAccountKey(id);
    await this.deps.bruteForce.check(accountKey, origin.ip);

    const user =
      id.kind === "email"
        ? await findLiveUserByEmail(database.db, id.value)
        : await findLiveUserByCanonicalUsername(database.db, id.value);
    const credential = user ? await getPasswordCredential(database.db, user.id) : null;
    // P1 offers only PASSWORD; a decoy gets the same set, so existence is not revealed.
    const methods: LoginMethodName[] = ["PASSWORD"];
    const loginSessionId = await this.#sessions.create("login", {
      userId: user && credential ? user.id : null,
      accountKey,
      decoyIdentifier: `user:${id.value}`,
      methods,
    });
    const wait = padUntil - clock.now();
    if (wait > 0) await this.deps.sleep(wait);
    return { loginSessionId, methods, expiresAt: started + AUTH_SESSION_TTL_MS };
  }

  async loginWithDirectPassword(loginSessionId: string, password: string, origin: RequestOrigin) {
    const session = await this.#sessions.consume("login", loginSessionId);
    if (!session?.methods.includes("PASSWORD")) throw invalidCredentials();
    await this.deps.bruteForce.check(session.accountKey, origin.ip);
    const credential =
      session.userId === null ? null : await getPasswordCredential(this.deps.database.db, session.userId);
    const identifier = credential ? Buffer.from(credential.identifier).toString("utf8") : session.decoyIdentifier;
    const ok = await this.deps.opaque.verifyPassword(identifier, credential?.record ?? null, password);
    if (!ok || session.userId === null) {
      await this.deps.bruteForce.recordFailure(session.accountKey, origin.ip);
      throw invalidCredentials();
    }
    return this.sessionTokens.completeLogin(session.userId, session.accountKey);
  }

  async startOpaqueLogin(loginSessionId: string, startLoginRequest: string, origin: RequestOrigin) {
    const session = await this.#sessions.consume("login", loginSessionId);
    if (!session?.methods.includes("PASSWORD")) throw invalidCredentials();
    await this.deps.bruteForce.check(session.accountKey, origin.ip);
    const credential =
      session.userId === null ? null : await getPasswordCredential(this.deps.database.db, session.userId);
    const identifier = credential ? Buffer.from(credential.identifier).toString("utf8") : session.decoyIdentifier;
    const { loginResponse, serverLoginState } = this.deps.opaque.startLogin(
      identifier,
      credential?.record ?? null,
      startLoginRequest,
    );
    const sessionId = await this.#sessions.create("opaque-login", {
      userId: credential ? session.userId : null,
      accountKey: session.accountKey,
      serverLoginState,
    });
    return { sessionId, loginResponse };
  }

  async finishOpaqueLogin(sessionId: string, finishLoginRequest: string, origin: RequestOrigin) {
    const session = await this.#sessions.consume("opaque-login", sessionId);
    if (!session) throw invalidCredentials();
    const result = this.deps.opaque.finishLogin(session.serverLoginState, finishLoginRequest);
    if (!result || session.userId === null) {
      await this.deps.bruteForce.recordFailure(session.accountKey, origin.ip);
      throw invalidCredentials();
    }
    return this.sessionTokens.completeLogin(session.userId, session.accountKey);
  }
}
