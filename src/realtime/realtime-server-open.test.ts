// The listener's upgrade against the uWebSockets.js async-upgrade bug (fixed upstream in uWebSockets
// v20.79, PR #1929): after `res.upgrade` inside `res.cork`, uWS may read the new WebSocket's memory as
// HTTP response state and close the socket right after `open`, without a close frame (1006).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PublicIdCodec } from "../core/ids/public-id-codec.js";
import type { TicketActor } from "../core/realtime/websocket-tickets.js";
import { WebSocketTickets } from "../core/realtime/websocket-tickets.js";
import type { RoomContext } from "../core/rooms/room-access.js";
import { systemClock } from "../infra/clock.js";
import { createLogger } from "../infra/logging/logger.js";
import { cryptoRandom } from "../infra/random.js";
import { createMemoryStore } from "../infra/store/memory-store.js";
import { ClientCommands } from "./client-commands.js";
import { ConnectionLimits } from "./connection-limits.js";
import { unavailableObservations } from "./observation-handler.js";
import { createRealtimeServer, type RealtimeServer } from "./realtime-server.js";

const ROOM_ID = 7;
const actor: TicketActor = {
  kind: "user",
  userId: 1,
  role: "USER",
  sessionId: "s1",
  tokenId: "t1",
  tokenExpiresAt: Number.MAX_SAFE_INTEGER,
};

/**
 * Native heap churn filled with a byte that reads as "connection: close, response done": it makes the
 * misread in uWS's cork deterministic, where on a loaded server it depends on whatever bytes lie there.
 * It runs in `registry.connect`, which the listener calls from `open`.
 */
function churnNativeHeap(): void {
  const kept: Buffer[] = [];
  for (let round = 0; round < 4; round += 1) {
    for (let size = 24; size <= 400; size += 8) kept.push(Buffer.allocUnsafeSlow(size).fill(0x10));
  }
  kept.length = 0;
}

describe("a freshly upgraded connection", () => {
  let server: RealtimeServer;
  let port: number;
  const store = createMemoryStore({ clock: systemClock });
  const tickets = new WebSocketTickets({ store, random: cryptoRandom });
  const ids = new PublicIdCodec("realtime-server-open-test");

  beforeAll(async () => {
    const roomContext = { actor, role: "MEMBER" } as unknown as RoomContext;
    // Resolves on a later turn, like PostgreSQL or Redis would: an admission settled within the
    // upgrade handler's own microtasks upgrades synchronously, a path uWS gets right.
    const access = { enter: () => new Promise<RoomContext>((resolve) => setImmediate(() => resolve(roomContext))) };
    server = createRealtimeServer({
      host: "127.0.0.1",
      port: 0,
      admission: {
        verifier: { actorForToken: async () => actor },
        tickets,
        access,
        ids,
        limits: new ConnectionLimits({ perActor: 1000, perRoom: 1000, perNode: 1000 }),
        allowedOrigins: [],
        publicUrl: "",
      },
      commands: new ClientCommands({
        transitions: {} as never,
        observations: unavailableObservations,
        ids,
        clock: systemClock,
        onUnexpected: () => {},
      }),
      observations: unavailableObservations,
      registry: {
        connect: () => {
          churnNativeHeap();
          return () => {};
        },
      },
      access,
      limits: {
        maxFrameBytes: 65_536,
        idleTimeoutSeconds: 300,
        maxLifetimeSeconds: 86_400,
        messagesPerSecond: 50,
        maxObservations: 64,
      },
      clock: systemClock,
      random: cryptoRandom,
      log: createLogger({ level: "silent", format: "json", nodeId: "test" }),
    });
    port = (await server.listen()).port;
  });
  afterAll(async () => {
    await server?.close();
    await store.close();
  });

  it("survives its first exchange after an asynchronous admission", async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const { ticket } = await tickets.issue(actor, ROOM_ID);
      outcomes.push(
        await welcomeThenHeartbeat(`ws://127.0.0.1:${port}/ws/rooms/${ids.encode("room", ROOM_ID)}?ticket=${ticket}`),
      );
    }
    expect(outcomes.filter((o) => o !== "ok")).toEqual([]);
  });
});

/** "ok" when welcome and a heartbeat_ack arrive before the socket closes, else how it closed. */
function welcomeThenHeartbeat(url: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    let seen = 0;
    ws.addEventListener("message", () => {
      seen += 1;
      if (seen === 1) ws.send(JSON.stringify({ heartbeat: { clientTimeMs: "1" } }));
      else {
        resolve("ok");
        ws.close();
      }
    });
    ws.addEventListener("close", (event) => resolve(`closed with ${event.code} after ${seen} message(s)`));
  });
}
