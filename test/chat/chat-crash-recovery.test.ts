// Acceptance 2 of the chat issue (real PostgreSQL): kill -9 the server right after a send is
// acknowledged, restart it on the same database, and the message is in history, its durable event and
// outbox row exist once, the outbox row ends delivered (sent) once, observers replay it exactly once,
// and a client retry with the same client_message_id returns the acknowledged event.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/infra/db/database.js";
import { requeueStaleOutboxRows } from "../../src/infra/db/outbox/realtime-outbox-queue.js";
import { freshOpaqueServerSetup } from "../../src/management/cli/commands/secrets.js";
import { connect } from "../realtime/realtime-client.js";
import { callJson } from "../support/connect-json.js";
import { createEmptyPostgresDatabase, describeOnPostgres } from "../support/database.js";
import { type ServerProcess, serveEnv, startServerProcess } from "../support/server-process.js";
import { GENEROUS_LIMITS, type WireChatEvent, type WireChatMessage } from "./chat-harness.js";

describeOnPostgres("chat survives kill -9 after the acknowledgement", () => {
  let database: { url: string; drop(): Promise<void> } | null;
  let dataDir: string;
  let server: ServerProcess | undefined;
  let db: Database;

  beforeAll(async () => {
    database = await createEmptyPostgresDatabase();
    dataDir = await mkdtemp(join(tmpdir(), "synctv-chat-crash-"));
    const hex = () => randomBytes(32).toString("hex");
    const token = () => `Tk-${randomBytes(24).toString("base64url")}`;
    secrets = {
      SYNCTV_JWT_SECRET: randomBytes(48).toString("base64url"),
      SYNCTV_SECURITY_OPAQUE_SERVER_SETUP_SECRET: await freshOpaqueServerSetup(),
      SYNCTV_SECURITY_CREDENTIAL_ENCRYPTION_KEY: hex(),
      SYNCTV_SECURITY_TOTP_ENCRYPTION_KEY: hex(),
      SYNCTV_SECURITY_EMAIL_OUTBOX_ENCRYPTION_KEY: hex(),
      SYNCTV_SECURITY_PROVIDER_SESSION_ENCRYPTION_KEY: hex(),
      SYNCTV_SECURITY_PROXY_SIGNING_KEY: token(),
      SYNCTV_SECURITY_MEDIA_SWARM_SIGNING_KEY: token(),
      SYNCTV_SECURITY_LOGIN_DISCOVERY_KEY: token(),
      SYNCTV_SECURITY_WEBAUTHN_ENUMERATION_KEY: token(),
      SYNCTV_FILE_STORAGE_UPLOAD_TOKEN_SECRET: token(),
    };
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await db?.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  // External PostgreSQL means no generated development secrets: both runs share these.
  let secrets: Record<string, string>;
  const env = () =>
    serveEnv(dataDir, {
      ...GENEROUS_LIMITS,
      ...secrets,
      SYNCTV_DATABASE_URL: database?.url ?? "",
      SYNCTV_REALTIME_HOST: "127.0.0.1",
    });
  const realtimePort = (s: ServerProcess) => {
    const line = s.lines.find((l) => l.includes('"SyncTV is serving"'));
    const parsed = JSON.parse(line ?? "{}") as { realtime?: string };
    return Number(parsed.realtime?.split(":").pop());
  };

  it("the acknowledged message is in history, logged and delivered exactly once after restart", async () => {
    server = await startServerProcess(env(), 90_000);
    const signUp = await callJson<{ result: { accessToken: string } }>(
      server.apiUrl,
      "synctv.v1.AuthService/RegisterWithDirectPassword",
      { username: `crash-${process.pid}`, password: "Pw-crash-Secret9x" },
    );
    expect(signUp.status, JSON.stringify(signUp.body)).toBe(200);
    const token = signUp.body.result.accessToken;
    const created = await callJson<{ room: { id: string } }>(
      server.apiUrl,
      "synctv.v1.RoomService/CreateRoom",
      { name: `crash room ${process.pid}` },
      token,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const roomId = created.body.room.id;
    const request = { roomId, content: "survives the crash", clientMessageId: `crash-${process.pid}` };

    const ack = await callJson<{ event: WireChatEvent }>(
      server.apiUrl,
      "synctv.v1.ChatService/SendChatMessage",
      request,
      token,
    );
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    server.child.kill("SIGKILL");
    await once(server.child, "exit");

    db = await openDatabase({ url: database?.url ?? "", pgliteDir: null, maxConnections: 2 });
    // A dispatcher killed mid-batch leaves its lease; the stale sweep requeues it once the lease is
    // older than 120 s. Run that same sweep with the lease treated as expired instead of waiting.
    await requeueStaleOutboxRows(db.db, { now: Date.now(), staleAfterMs: 0 });

    server = await startServerProcess(env(), 90_000);
    const history = await callJson<{ messages: WireChatMessage[] }>(
      server.apiUrl,
      "synctv.v1.ChatService/GetChatHistory",
      { roomId },
      token,
    );
    expect(history.body.messages.map((m) => m.id)).toEqual([ack.body.event.message.id]);

    const rows = async () =>
      (await db.db.execute(sql`
        SELECT (SELECT count(*)::int FROM chat_message_events WHERE event_id = ${ack.body.event.eventId}) AS events,
               (SELECT count(*)::int FROM realtime_outbox WHERE payload->>'scope' = 'chat') AS outbox,
               (SELECT status FROM realtime_outbox WHERE id = ${ack.body.event.eventId}) AS status`)) as unknown as {
        events: number;
        outbox: number;
        status: number;
      }[];
    // Liveness wait for the restarted dispatcher (a pending row is claimed at start), not a timing assertion.
    const deadline = Date.now() + 60_000;
    let state = (await rows())[0];
    while (state?.status !== 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      state = (await rows())[0];
    }
    expect(state).toEqual({ events: 1, outbox: 1, status: 3 });

    // An observer replaying the retained chat log sees the message exactly once.
    const ticket = await callJson<{ ticket: string }>(
      server.apiUrl,
      "synctv.v1.RealtimeService/CreateWebSocketTicket",
      { roomId },
      token,
    );
    const socket = await connect(realtimePort(server), roomId, ticket.body.ticket);
    try {
      socket.send({
        message: {
          case: "observeResource",
          value: { observeId: "chat", resource: { case: "chatEvents", value: { afterEventSequence: 0n } } },
        },
      });
      await socket.next("resourceObserved").catch((e: unknown) => {
        // Name the server's last words in the failure: an early close here says nothing on its own.
        throw new Error(`${String(e)}\nserver exit ${server?.child.exitCode}:\n${server?.lines.slice(-15).join("\n")}`);
      });
      const replayed = await socket.next("resourceEvent");
      expect(replayed.payload.case === "chatEvent" && replayed.payload.value.eventId).toBe(ack.body.event.eventId);
    } finally {
      await socket.close();
    }

    // The client never saw the ack (say): its retry returns the same event and writes nothing new.
    const retry = await callJson<{ event: WireChatEvent }>(
      server.apiUrl,
      "synctv.v1.ChatService/SendChatMessage",
      request,
      token,
    );
    expect(retry.body.event).toEqual(ack.body.event);
    expect((await rows())[0]).toEqual({ events: 1, outbox: 1, status: 3 });
    // Nothing else arrived after the replayed event.
    expect(socket.received.filter((m) => m.message.case === "resourceEvent")).toEqual([]);
  }, 240_000);
});
