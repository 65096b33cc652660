// Signing up with a password (spec 05 §3.2–3.3): the stored credential is only ever an OPAQUE
// registration record. Direct signup runs the client half on the server (in the worker pool);
// the OPAQUE pair lets a browser register without the password leaving the device.
import { AppCode, alreadyExists, invalidArgument, permissionDenied, unimplemented } from "../errors.js";
import { passwordPolicyViolations } from "../users/password-policy.js";
import { createUserWithPassword, usernameOrEmailTaken } from "../users/user-repository.js";
import { canonicalUsername, usernameViolations } from "../users/username-rules.js";
import type { AuthDeps } from "./auth-deps.js";
import { AuthSessions } from "./auth-sessions.js";
import { signupCredentialIdentifier } from "./identifiers.js";
import { OPAQUE_CIPHERSUITE, OPAQUE_SETUP_VERSION } from "./opaque/opaque-service.js";
import type { IssuedPair, SessionTokens } from "./session-tokens.js";

export interface SignupInput {
  username: string;
  email: string;
}

export class RegistrationFlows {
  readonly #sessions: AuthSessions;
  constructor(
    private readonly deps: AuthDeps,
    private readonly sessionTokens: SessionTokens,
  ) {
    this.#sessions = new AuthSessions(deps.store, deps.random);
  }

  async registerWithDirectPassword(input: SignupInput & { password: string }): Promise<IssuedPair> {
    const signup = await this.#admit(input);
    const violations = passwordPolicyViolations(input.password, this.deps.passwordPolicy);
    if (violations.length > 0) {
      throw invalidArgument("Password does not meet the policy", {
        fieldViolations: violations.map((v) => ({ ...v, field: "password" })),
      });
    }
    const { registrationRecord } = await this.deps.opaque.registerPassword(signup.credentialIdentifier, input.password);
    return this.#create(signup, registrationRecord);
  }

  async startOpaqueRegistration(input: SignupInput & { registrationRequest: string }) {
    const signup = await this.#admit(input);
    const registrationResponse = this.deps.opaque.createRegistrationResponse(
      signup.credentialIdentifier,
      input.registrationRequest,
    );
    const sessionId = await this.#sessions.create("opaque-registration", signup);
    return { sessionId, registrationResponse };
  }

  async finishOpaqueRegistration(sessionId: string, registrationRecord: string): Promise<IssuedPair> {
    const signup = await this.#sessions.consume("opaque-registration", sessionId);
    if (!signup) throw invalidArgument("Registration session expired or already used");
    const record = this.deps.opaque.parseRegistrationRecord(registrationRecord);
    return this.#create(signup, record);
  }

  /** Switches, username rules and availability: the same for both signup paths. */
  async #admit(input: SignupInput) {
    const { user } = this.deps.settings.current();
    if (!user.enablePasswordSignup) {
      throw permissionDenied("Password signup is disabled", { code: AppCode.SIGNUP_DISABLED });
    }
    if (user.passwordSignupNeedReview) {
      // Review queues (user_registration_requests) arrive with AdminService in P2.
      throw unimplemented("Signup review is not available yet");
    }
    const violations = usernameViolations(input.username, { selfSignup: true });
    if (violations.length > 0) {
      throw invalidArgument("Username is not allowed", {
        fieldViolations: violations.map((v) => ({ ...v, field: "username" })),
      });
    }
    const canonical = canonicalUsername(input.username);
    const email = input.email.trim() === "" ? null : input.email.trim().toLowerCase();
    if (await usernameOrEmailTaken(this.deps.database.db, canonical, email ?? undefined)) {
      throw alreadyExists("Username or email is already taken");
    }
    return { username: input.username, email, credentialIdentifier: signupCredentialIdentifier(canonical) };
  }

  async #create(
    signup: { username: string; email: string | null; credentialIdentifier: string },
    record: Uint8Array,
  ): Promise<IssuedPair> {
    const user = await this.deps.database.tx((tx) =>
      createUserWithPassword(tx, {
        username: signup.username,
        email: signup.email ?? undefined,
        role: "USER",
        signupMethod: "password",
        credential: {
          record,
          identifier: Buffer.from(signup.credentialIdentifier, "utf8"),
          ciphersuite: OPAQUE_CIPHERSUITE,
          setupVersion: OPAQUE_SETUP_VERSION,
        },
      }),
    );
    return this.sessionTokens.completeLogin(user.id, `registration:${user.id}`);
  }
}
