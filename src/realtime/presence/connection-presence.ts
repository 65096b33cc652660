// The realtime side of presence (03 §2.3, §4.5): on open a connection gets its resume token and
// registers with the PresenceTracker (continuing a held presence when `?resume=` matches); on close
// it is released; its client_reports feed the room's sync stats. Rules live in core/realtime-runtime.
import { ClientPlayerState, type ClientReport as WireClientReport } from "../../../gen/synctv/v1/realtime_pb.js";
import type { RoomRole } from "../../core/permissions/index.js";
import type { TicketActor } from "../../core/realtime/websocket-tickets.js";
import { guestDisplayName, presenceIdentityOf } from "../../core/realtime-runtime/presence-identity.js";
import type { PresenceConnection, PresenceTracker } from "../../core/realtime-runtime/presence-tracker.js";
import type { ClientPlayerState as CoreState, RoomSyncStats } from "../../core/realtime-runtime/room-sync-stats.js";
import type { Clock } from "../../infra/clock.js";

/** What presence needs to know about one admitted connection. */
export interface PresenceSubject {
  readonly connectionId: string;
  readonly actor: TicketActor;
  readonly roomId: number;
  readonly role: RoomRole;
  /** The `?resume=` token presented at upgrade ('' for none). */
  readonly resumeRequested: string;
}

export interface ConnectionPresenceDeps {
  tracker: Pick<PresenceTracker, "connect" | "disconnect" | "issueResumeToken" | "resumeWindowMs">;
  stats: Pick<RoomSyncStats, "record" | "forgetConnection">;
  usernameOf(userId: number): Promise<string>;
  clock: Clock;
  onError(err: unknown, context: string): void;
}

interface Registration {
  resumeToken: string;
  /** Settles once the connection is registered; its release waits for it. */
  registered: Promise<PresenceConnection | null>;
}

const STATE: Record<ClientPlayerState, CoreState> = {
  [ClientPlayerState.UNSPECIFIED]: "UNSPECIFIED",
  [ClientPlayerState.LOADING]: "LOADING",
  [ClientPlayerState.READY]: "READY",
  [ClientPlayerState.BUFFERING]: "BUFFERING",
  [ClientPlayerState.ERROR]: "ERROR",
};

export class ConnectionPresence {
  readonly #open = new Map<string, Registration>();

  constructor(private readonly deps: ConnectionPresenceDeps) {}

  get resumeWindowSeconds(): number {
    return Math.max(1, Math.ceil(this.deps.tracker.resumeWindowMs / 1000));
  }

  /** The connection opened; returns the resume token its `welcome` carries. */
  opened(subject: PresenceSubject): string {
    const resumeToken = this.deps.tracker.issueResumeToken();
    const registered = this.#register(subject).catch((err: unknown) => {
      this.deps.onError(err, "presence registration");
      return null;
    });
    this.#open.set(subject.connectionId, { resumeToken, registered });
    return resumeToken;
  }

  async #register(subject: PresenceSubject): Promise<PresenceConnection> {
    const { actor } = subject;
    const username = actor.kind === "user" ? await this.deps.usernameOf(actor.userId) : guestDisplayName(actor.guestId);
    const connection: PresenceConnection = {
      roomId: subject.roomId,
      connectionId: subject.connectionId,
      identity: presenceIdentityOf(actor, subject.role, username),
    };
    await this.deps.tracker.connect(connection, subject.resumeRequested);
    return connection;
  }

  /** The connection closed; its token now resumes the presence for the window. */
  closed(subject: PresenceSubject): Promise<void> {
    const registration = this.#open.get(subject.connectionId);
    if (registration === undefined) return Promise.resolve();
    this.#open.delete(subject.connectionId);
    this.deps.stats.forgetConnection(subject.roomId, subject.connectionId);
    return registration.registered
      .then(async (connection) => {
        if (connection !== null) await this.deps.tracker.disconnect(connection, registration.resumeToken);
      })
      .catch((err: unknown) => this.deps.onError(err, "presence release"));
  }

  /** One client_report (03 §4.5); throws INVALID_ARGUMENT for impossible values. */
  report(subject: Pick<PresenceSubject, "roomId" | "connectionId">, report: WireClientReport): void {
    this.deps.stats.record(
      subject.roomId,
      subject.connectionId,
      {
        driftMs: report.driftMs,
        rttMs: report.rttMs,
        bufferedAheadMs: report.bufferedAheadMs,
        state: STATE[report.state] ?? "UNSPECIFIED",
      },
      this.deps.clock.now(),
    );
  }
}
