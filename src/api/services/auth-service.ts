// AuthService: transport only. Each RPC converts protobuf to the core flow's parameters and back.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type AuthService,
  LoginMethod,
  LoginResultSchema,
  RegistrationResultSchema,
  RegistrationStatus,
} from "../../../gen/synctv/v1/auth_service_pb.js";
import { requireUser } from "../../core/auth/access.js";
import type { GuestTokens } from "../../core/auth/guest-tokens.js";
import type { LoginFlows } from "../../core/auth/login-flows.js";
import type { RegistrationFlows } from "../../core/auth/registration-flows.js";
import type { IssuedPair, SessionTokens } from "../../core/auth/session-tokens.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import { callerOf, originOf } from "../caller.js";
import { toUserMessage } from "../mappers/user.js";

export interface AuthServiceDeps {
  login: LoginFlows;
  registration: RegistrationFlows;
  sessionTokens: SessionTokens;
  guestTokens: GuestTokens;
  ids: PublicIdCodec;
}

export function authServiceImpl(deps: AuthServiceDeps): ServiceImpl<typeof AuthService> {
  const loginResult = (pair: IssuedPair) =>
    create(LoginResultSchema, {
      user: toUserMessage(pair.user, deps.ids, true),
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      accessExpiresAt: BigInt(pair.accessExpiresAt),
      refreshExpiresAt: BigInt(pair.refreshExpiresAt),
    });
  const registered = (pair: IssuedPair) =>
    create(RegistrationResultSchema, {
      status: RegistrationStatus.REGISTERED,
      user: toUserMessage(pair.user, deps.ids, true),
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      accessExpiresAt: BigInt(pair.accessExpiresAt),
      refreshExpiresAt: BigInt(pair.refreshExpiresAt),
    });

  return {
    async startLogin(req, ctx) {
      const started = await deps.login.startLogin(req.identifier, originOf(ctx));
      return {
        loginSessionId: started.loginSessionId,
        availableMethods: started.methods.map((m) => LoginMethod[m]),
        expiresAt: BigInt(started.expiresAt),
      };
    },
    async loginWithDirectPassword(req, ctx) {
      const pair = await deps.login.loginWithDirectPassword(req.loginSessionId, req.password, originOf(ctx));
      return { result: loginResult(pair) };
    },
    async registerWithDirectPassword(req) {
      const pair = await deps.registration.registerWithDirectPassword({
        username: req.username,
        email: req.email,
        password: req.password,
      });
      return { result: registered(pair) };
    },
    async startOpaqueRegistration(req) {
      return deps.registration.startOpaqueRegistration({
        username: req.username,
        email: req.email,
        registrationRequest: req.registrationRequest,
      });
    },
    async finishOpaqueRegistration(req) {
      return {
        result: registered(await deps.registration.finishOpaqueRegistration(req.sessionId, req.registrationRecord)),
      };
    },
    async startOpaqueLogin(req, ctx) {
      return deps.login.startOpaqueLogin(req.loginSessionId, req.startLoginRequest, originOf(ctx));
    },
    async finishOpaqueLogin(req, ctx) {
      const pair = await deps.login.finishOpaqueLogin(req.sessionId, req.finishLoginRequest, originOf(ctx));
      return { result: loginResult(pair) };
    },
    async refreshToken(req, ctx) {
      const pair = await deps.sessionTokens.refresh(req.refreshToken, originOf(ctx));
      return {
        accessToken: pair.accessToken,
        refreshToken: pair.refreshToken,
        accessExpiresAt: BigInt(pair.accessExpiresAt),
        refreshExpiresAt: BigInt(pair.refreshExpiresAt),
      };
    },
    async logout(_req, ctx) {
      await deps.sessionTokens.logout(requireUser(await callerOf(ctx)));
      return {};
    },
    async createGuestToken(req, ctx) {
      const issued = await deps.guestTokens.create(req.roomId, originOf(ctx));
      return {
        token: issued.token,
        guestId: issued.guestId,
        displayName: issued.displayName,
        expiresAt: BigInt(issued.expiresAt),
        expiresInSecs: BigInt(issued.expiresInSecs),
      };
    },
  };
}
