// Reconnect without noise (03 §2.3): a closed connection's presence is held for the resume window;
// reconnecting with its `welcome.resume_token` continues it with no online_event LEFT/JOINED pair;
// without the token (or with someone else's) the old presence ends (LEFT) and a new one starts; with
// nobody coming back LEFT arrives when the window passes. The window is 1 s here.
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OnlineEventKind, OnlineEventObservationSchema, type ResourceEvent } from "../../gen/synctv/v1/realtime_pb.js";
import {
  addStoredMember,
  type MembersNode,
  makeRoom,
  mintUser,
  startMembersNode,
  type TestRoom,
  type TestUser,
} from "../rooms/members-fixtures.js";
import { callJson } from "../support/connect-json.js";
import { createTicket, REALTIME_ENV, TestSocket } from "./realtime-client.js";

type OnlineEvent = Extract<ResourceEvent["payload"], { case: "onlineEvent" }>["value"];

let n: MembersNode;
let port: number;
let owner: TestUser;

beforeAll(async () => {
  n = await startMembersNode({ ...REALTIME_ENV, SYNCTV_REALTIME_RESUME_WINDOW_MS: "1000" });
  port = n.t.node.realtime.port;
  owner = await mintUser(n);
});
afterAll(() => n?.close());

/** Opens a socket with a ticket fetched beforehand (so a reconnect is immediate), optionally resuming. */
async function openWith(room: TestRoom, ticket: string, resume = ""): Promise<{ socket: TestSocket; token: string }> {
  const query = `ticket=${ticket}&format=json${resume === "" ? "" : `&resume=${encodeURIComponent(resume)}`}`;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/rooms/${room.publicId}?${query}`);
  const socket = new TestSocket(ws, "json");
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error("websocket failed to open")));
  });
  const welcome = await socket.next("welcome");
  return { socket, token: welcome.resumeToken };
}

async function member(room: TestRoom): Promise<TestUser> {
  const user = await mintUser(n);
  await addStoredMember(n.db, room.id, user.id);
  return user;
}

/** Connections of the room as GetRoom reports them. */
async function connectionCount(room: TestRoom): Promise<number> {
  const r = await callJson<{ room: { presence?: { connectionCount?: number } } }>(
    n.t.baseUrl,
    "synctv.v1.RoomService/GetRoom",
    { roomId: room.publicId },
    owner.token,
  );
  return r.body.room.presence?.connectionCount ?? 0;
}

/** A watcher observing online_event, and a reader of what it heard as "KIND:username". */
async function watch(room: TestRoom) {
  const { socket } = await openWith(room, await createTicket(n.t, room.publicId, owner.token));
  socket.send({
    message: {
      case: "observeResource",
      value: { observeId: "online", resource: { case: "onlineEvent", value: create(OnlineEventObservationSchema) } },
    },
  });
  await socket.next("resourceObserved");
  const heard: string[] = [];
  /** Waits for `username`'s `times`-th event of `kind`; returns everything heard so far, the watcher's own left out. */
  const until = async (kind: "JOINED" | "LEFT", username: string, times = 1) => {
    while (heard.filter((h) => h === `${kind}:${username}`).length < times) {
      const event = await socket.next("resourceEvent");
      if (event.payload.case !== "onlineEvent") continue;
      const e: OnlineEvent = event.payload.value;
      if (e.userId === owner.publicId) continue;
      heard.push(`${e.kind === OnlineEventKind.JOINED ? "JOINED" : "LEFT"}:${e.username}`);
    }
    return heard;
  };
  return { socket, until };
}

/** Waits (liveness, not timing) until the server has processed a close: the room has `expected` connections. */
async function connectionsBecome(room: TestRoom, expected: number): Promise<void> {
  await expect.poll(() => connectionCount(room), { timeout: 20_000, interval: 25 }).toBe(expected);
}

describe("resume tokens", () => {
  it("welcome carries a token and the configured window", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}/ws/rooms/${room.publicId}?ticket=${await createTicket(n.t, room.publicId, owner.token)}`,
    );
    const socket = new TestSocket(ws, "json");
    const welcome = await socket.next("welcome");
    expect(welcome.resumeToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(welcome.limits?.resumeWindowSeconds).toBe(1);
    await socket.close();
  });

  it("reconnecting with the token within the window: no LEFT, no JOINED", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const watcher = await watch(room);
    const [alice, bob] = [await member(room), await member(room)];
    const bobSocket = (await openWith(room, await createTicket(n.t, room.publicId, bob.token))).socket;
    const first = await openWith(room, await createTicket(n.t, room.publicId, alice.token));
    await watcher.until("JOINED", alice.username);
    await connectionsBecome(room, 3);

    const again = await createTicket(n.t, room.publicId, alice.token);
    await first.socket.close();
    await connectionsBecome(room, 2);
    const resumed = await openWith(room, again, first.token);
    await connectionsBecome(room, 3);
    // Bob leaves for good after Alice's window started: his LEFT comes after hers would have.
    await bobSocket.close();
    expect(await watcher.until("LEFT", bob.username)).toEqual([
      `JOINED:${bob.username}`,
      `JOINED:${alice.username}`,
      `LEFT:${bob.username}`,
    ]);
    await resumed.socket.close();
    await watcher.socket.close();
  });

  it("closing without coming back: LEFT once the window passes", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const watcher = await watch(room);
    const carol = await member(room);
    const { socket } = await openWith(room, await createTicket(n.t, room.publicId, carol.token));
    await watcher.until("JOINED", carol.username);
    await socket.close();
    expect(await watcher.until("LEFT", carol.username)).toEqual([`JOINED:${carol.username}`, `LEFT:${carol.username}`]);
    await watcher.socket.close();
  });

  it("reconnecting without the token, or with another user's, ends the held presence and starts a new one", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const watcher = await watch(room);
    const [dave, erin] = [await member(room), await member(room)];
    const daveFirst = await openWith(room, await createTicket(n.t, room.publicId, dave.token));
    const erinFirst = await openWith(room, await createTicket(n.t, room.publicId, erin.token));
    await watcher.until("JOINED", erin.username);
    await connectionsBecome(room, 3);

    const [daveAgain, erinAgain] = [
      await createTicket(n.t, room.publicId, dave.token),
      await createTicket(n.t, room.publicId, erin.token),
    ];
    await daveFirst.socket.close();
    await erinFirst.socket.close();
    await connectionsBecome(room, 1);
    // Dave comes back without a token; Erin presents Dave's (someone else's): both count as none.
    const daveBack = await openWith(room, daveAgain);
    const erinBack = await openWith(room, erinAgain, daveFirst.token);
    await watcher.until("JOINED", erin.username, 2);
    const heard = await watcher.until("JOINED", dave.username, 2);
    const tail = heard.slice(2);
    expect(tail).toContain(`LEFT:${dave.username}`);
    expect(tail).toContain(`LEFT:${erin.username}`);
    for (const name of [dave.username, erin.username]) {
      expect(tail.indexOf(`LEFT:${name}`)).toBeLessThan(tail.lastIndexOf(`JOINED:${name}`));
    }
    await daveBack.socket.close();
    await erinBack.socket.close();
    await watcher.socket.close();
  });
});
