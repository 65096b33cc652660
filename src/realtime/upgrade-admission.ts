// Every check of a WebSocket upgrade (spec 03 §1.1), before the socket exists: exactly one credential,
// origin, format, the room gate and the connection budgets. A refusal is an HTTP status, never a socket.

import type { RateSubject } from "../core/abuse/rate-subject.js";
import type { RequestRateLimiter } from "../core/abuse/request-rate-limiter.js";
import type { Actor } from "../core/actor.js";
import type { AccessVerifier } from "../core/auth/access-verifier.js";
import { isDomainError } from "../core/errors.js";
import type { PublicIdCodec } from "../core/ids/public-id-codec.js";
import type { RoomRole } from "../core/permissions/index.js";
import type { TicketActor, WebSocketTickets } from "../core/realtime/websocket-tickets.js";
import type { RoomAccess } from "../core/rooms/room-access.js";
import type { ConnectionLimits } from "./connection-limits.js";
import { type FrameFormat, parseFormat } from "./frame-codec.js";

/** What the upgrade handler copied out of the request (uWS request objects die at the first await). */
export interface UpgradeRequest {
  roomPublicId: string;
  authorization: string;
  ticket: string | undefined;
  format: string | undefined;
  /** `?resume=`: the resume token of an earlier connection (03 §2.3); never a reason to refuse. */
  resume?: string | undefined;
  origin: string;
  host: string;
  ip: string;
}

export interface AdmittedConnection {
  actor: TicketActor;
  roomId: number;
  roomPublicId: string;
  format: FrameFormat;
  /** The actor's role in the room at admission (presence events name it). */
  role: RoomRole;
  /** The `?resume=` token as presented ('' for none); presence decides whether it continues anything. */
  resumeRequested: string;
  /** Frees the connection slot; called exactly once, on close or when the client went away. */
  release(): void;
}

export type Admission = { ok: true; connection: AdmittedConnection } | { ok: false; status: number; reason: string };

export interface UpgradeAdmissionDeps {
  verifier: Pick<AccessVerifier, "actorForToken">;
  tickets: WebSocketTickets;
  access: Pick<RoomAccess, "enter">;
  ids: PublicIdCodec;
  limiter?: Pick<RequestRateLimiter, "consume">;
  limits: ConnectionLimits;
  /** Origins allowed besides the server's own host (the API's CORS list; `*` allows any). */
  allowedOrigins: readonly string[];
  /** The configured public URL of the realtime listener, when set: its origin is our own. */
  publicUrl: string;
}

const refuse = (status: number, reason: string): Admission => ({ ok: false, status, reason });

export async function admitUpgrade(req: UpgradeRequest, deps: UpgradeAdmissionDeps): Promise<Admission> {
  const bearer = bearerOf(req.authorization);
  const hasTicket = req.ticket !== undefined && req.ticket !== "";
  if (bearer === "malformed") return refuse(401, "malformed authorization header");
  if (bearer !== null && hasTicket) return refuse(400, "exactly one credential: bearer or ticket");
  if (bearer === null && !hasTicket) return refuse(401, "credential required");
  const format = parseFormat(req.format);
  if (format === null) return refuse(400, "format must be json or protobuf");
  if (!originAllowed(req.origin, req.host, deps)) return refuse(403, "origin not allowed");

  try {
    const roomId = deps.ids.decode("room", req.roomPublicId);
    let actor: Actor;
    if (bearer !== null) {
      actor = await deps.verifier.actorForToken(bearer);
    } else {
      const redeemed = await deps.tickets.redeem(req.ticket ?? "");
      if (redeemed === null) return refuse(401, "unknown, expired or used ticket");
      if (redeemed.roomId !== roomId) return refuse(401, "ticket issued for another room");
      actor = redeemed.actor;
    }
    if (deps.limiter) await deps.limiter.consume("websocket", subjectOf(actor, req.ip), "websocket");
    const room = await deps.access.enter(actor, roomId);
    const admitted = room.actor as TicketActor;
    const release = deps.limits.reserve(actorKey(admitted), roomId);
    if (release === null) return refuse(429, "connection limit reached");
    return {
      ok: true,
      connection: {
        actor: admitted,
        roomId,
        roomPublicId: req.roomPublicId,
        format,
        role: room.role,
        resumeRequested: req.resume ?? "",
        release,
      },
    };
  } catch (err) {
    if (!isDomainError(err)) throw err;
    return refuse(statusOfKind[err.kind] ?? 500, err.message);
  }
}

export function actorKey(actor: TicketActor): string {
  return actor.kind === "user" ? `user:${actor.userId}` : `guest:${actor.guestId}`;
}

/** Room gate and credential failures as the HTTP statuses of 03 §1.1. */
const statusOfKind: Partial<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  // A closed room (3101) refuses entry like a ban does.
  FAILED_PRECONDITION: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

function bearerOf(header: string): string | null | "malformed" {
  if (header === "") return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? "malformed";
}

function subjectOf(actor: Actor, ip: string): RateSubject {
  if (actor.kind === "user") return { kind: "user", id: actor.userId };
  if (actor.kind === "guest") return { kind: "guest", id: actor.guestId };
  return { kind: "ip", ip };
}

/**
 * A missing Origin is a native client. A browser's Origin must be ours — the same host name as the
 * request's Host (the web app and the realtime port share a host, not a port), the configured
 * public URL — or listed in the CORS origins.
 */
export function originAllowed(
  origin: string,
  host: string,
  rules: Pick<UpgradeAdmissionDeps, "allowedOrigins" | "publicUrl">,
): boolean {
  if (origin === "") return true;
  if (rules.allowedOrigins.includes("*") || rules.allowedOrigins.includes(origin)) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== "" && parsed.hostname === hostnameOf(host)) return true;
  if (rules.publicUrl !== "") {
    try {
      return new URL(rules.publicUrl).hostname === parsed.hostname;
    } catch {
      return false;
    }
  }
  return false;
}

function hostnameOf(host: string): string {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return "";
  }
}
