// Short-lived, single-use ceremony state (spec 05 §3.1, §3.3, §4.3): login sessions, OPAQUE login
// and registration sessions. 300 s; every finisher consumes its session atomically (GETDEL), so a
// replayed finisher finds nothing. OPAQUE server state lives only here, never in PostgreSQL or logs.
import type { Random } from "../../infra/random.js";
import type { ShortLivedStore } from "../../infra/store/types.js";

export const AUTH_SESSION_TTL_MS = 300_000;
const ID_BYTES = 36; // 48 base64url characters

export type LoginMethodName = "PASSWORD" | "PASSKEY" | "EMAIL_CODE";

export interface LoginSession {
  /** null: a decoy for an unknown identifier; it fails at the finisher after the same work. */
  userId: number | null;
  accountKey: string;
  /** What the OPAQUE identifier is for a decoy (stable per identifier). */
  decoyIdentifier: string;
  methods: LoginMethodName[];
}

export interface OpaqueLoginSession {
  userId: number | null;
  accountKey: string;
  serverLoginState: string;
}

export interface OpaqueRegistrationSession {
  username: string;
  email: string | null;
  credentialIdentifier: string;
}

type Kind = "login" | "opaque-login" | "opaque-registration";
interface Shapes {
  login: LoginSession;
  "opaque-login": OpaqueLoginSession;
  "opaque-registration": OpaqueRegistrationSession;
}

export class AuthSessions {
  constructor(
    private readonly store: ShortLivedStore,
    private readonly random: Random,
  ) {}

  async create<K extends Kind>(kind: K, value: Shapes[K]): Promise<string> {
    const id = this.random.token(ID_BYTES);
    await this.store.set(key(kind, id), JSON.stringify(value), AUTH_SESSION_TTL_MS);
    return id;
  }

  /** Returns the session once; null when unknown, expired or already consumed. */
  async consume<K extends Kind>(kind: K, id: string): Promise<Shapes[K] | null> {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) return null;
    const raw = await this.store.getDel(key(kind, id));
    return raw === null ? null : (JSON.parse(raw) as Shapes[K]);
  }
}

function key(kind: Kind, id: string): string {
  return `auth:${kind}:${id}`;
}
