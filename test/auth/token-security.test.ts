// Security behaviour of accounts and tokens through the whole node (auth issue acceptance 2, 3, 4, 6
// and the redaction rule): refresh replay revokes the family, unknown accounts look like wrong
// passwords, lockouts engage, bad tokens are rejected, bans bite at once, guest tokens die with
// their room's guest version, only OPAQUE material is stored, and no secret reaches the log.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenCodec } from "../../src/core/auth/tokens/token-codec.js";
import { PublicIdCodec } from "../../src/core/ids/public-id-codec.js";
import { banUser, unbanUser } from "../../src/core/users/user-repository.js";
import { ManualClock } from "../../src/infra/clock.js";
import { authPasswordCredentials } from "../../src/infra/db/schema/index.js";
import { cryptoRandom } from "../../src/infra/random.js";
import { callJson } from "../support/connect-json.js";
import { bumpGuestVersion, insertRoom } from "../support/fixtures/index.js";
import { startTestNode, type TestNode } from "../support/node-harness.js";

let t: TestNode;
let ids: PublicIdCodec;
const secrets: string[] = [];

beforeAll(async () => {
  t = await startTestNode({ SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_AUTH: "1000" });
  ids = new PublicIdCodec(t.loaded.config.security.credential_encryption_key);
});
afterAll(async () => t.close());

interface Pair {
  accessToken: string;
  refreshToken: string;
}

async function register(username: string, password: string): Promise<Pair & { userId: number }> {
  secrets.push(password);
  const r = await callJson<{ result: Pair & { user: { id: string } } }>(
    t.baseUrl,
    "synctv.v1.AuthService/RegisterWithDirectPassword",
    { username, password },
  );
  expect(r.status).toBe(200);
  secrets.push(r.body.result.accessToken, r.body.result.refreshToken);
  return { ...r.body.result, userId: ids.decode("usr", r.body.result.user.id) };
}

async function login(identifier: string, password: string) {
  const started = await callJson<{ loginSessionId: string }>(t.baseUrl, "synctv.v1.AuthService/StartLogin", {
    identifier,
  });
  if (started.status !== 200) return started;
  return callJson<{ result: Pair }>(t.baseUrl, "synctv.v1.AuthService/LoginWithDirectPassword", {
    loginSessionId: started.body.loginSessionId,
    password,
  });
}

const profile = (token: string) => callJson(t.baseUrl, "synctv.v1.UserService/GetProfile", {}, token);
const refresh = (refreshToken: string) =>
  callJson<Pair>(t.baseUrl, "synctv.v1.AuthService/RefreshToken", { refreshToken });

describe("refresh rotation", () => {
  it("replaying a rotated refresh token answers 1003 and kills the whole family, newest pair included", async () => {
    const a = await register("carol", "Sunny-Day-42");
    const other = await login("carol", "Sunny-Day-42");
    const otherPair = (other.body as { result: Pair }).result;

    const r2 = await refresh(a.refreshToken);
    expect(r2.status).toBe(200);
    const r3 = await refresh(r2.body.refreshToken);
    expect(r3.status).toBe(200);

    const replay = await refresh(a.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.errorInfo?.errorCode).toBe(1003);

    expect((await refresh(r3.body.refreshToken)).status).toBe(401);
    // The family is revoked for refresh; the user's other login session is untouched.
    expect((await profile(otherPair.accessToken)).status).toBe(200);
    expect((await refresh(otherPair.refreshToken)).status).toBe(200);
  });
});

describe("credential failures", () => {
  it("a wrong password and an unknown account give identical answers", async () => {
    await register("dave", "Rainy-Night-7");
    const wrong = await login("dave", "Rainy-Night-8");
    const unknown = await login("nobody-here", "Rainy-Night-8");
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.errorInfo?.errorCode).toBe(1002);
    }
    expect(unknown.message).toBe(wrong.message);
    expect(unknown.code).toBe(wrong.code);
    expect(unknown.errorInfo?.metadata).toEqual(wrong.errorInfo?.metadata);
  });

  it("StartLogin offers the same methods for known and unknown identifiers", async () => {
    const known = await callJson(t.baseUrl, "synctv.v1.AuthService/StartLogin", { identifier: "dave" });
    const unknown = await callJson(t.baseUrl, "synctv.v1.AuthService/StartLogin", { identifier: "ghost-user" });
    expect((unknown.body as { availableMethods: string[] }).availableMethods).toEqual(
      (known.body as { availableMethods: string[] }).availableMethods,
    );
  });

  it("five failures lock the account with 2201 and a retry delay; unknown accounts lock the same way", async () => {
    await register("erin", "Windy-Hill-9");
    for (const identifier of ["erin", "no-such-erin"]) {
      for (let i = 0; i < 5; i++) expect((await login(identifier, "Bad-Password-1")).status).toBe(401);
      const locked = await login(identifier, "Windy-Hill-9");
      expect(locked.code).toBe("resource_exhausted");
      expect(locked.errorInfo?.errorCode).toBe(2201);
      expect(Number(locked.errorInfo?.retryAfterMs)).toBeGreaterThan(0);
      expect(locked.headers.get("retry-after")).toMatch(/^\d+$/);
    }
  });
});

describe("token checks", () => {
  let pair: Pair & { userId: number };
  beforeAll(async () => {
    pair = await register("frank", "Quiet-River-3");
  });

  it("rejects a tampered token", async () => {
    const [h, p, s] = pair.accessToken.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
    payload.sub = ids.encode("usr", pair.userId + 1);
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
    expect((await profile(forged)).status).toBe(401);
  });

  it("rejects an unsigned (alg none) token", async () => {
    const [, p] = pair.accessToken.split(".");
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${p}.`;
    expect((await profile(none)).status).toBe(401);
  });

  it("rejects an expired token with 1001", async () => {
    const jwt = t.loaded.config.jwt;
    const past = new ManualClock(Date.now() - 3 * 3600_000);
    const codec = new TokenCodec({
      secret: jwt.secret,
      issuer: jwt.issuer,
      audience: jwt.audience,
      accessTtlSeconds: jwt.access_ttl_seconds,
      refreshTtlSeconds: jwt.refresh_ttl_seconds,
      guestTtlSeconds: jwt.guest_ttl_seconds,
      leewaySeconds: jwt.leeway_seconds,
      clock: past,
      random: cryptoRandom,
    });
    const old = await codec.issueAccess({
      userPublicId: ids.encode("usr", pair.userId),
      sid: "x".repeat(32),
      pv: 1,
      cbm: "password",
    });
    const r = await profile(old.token);
    expect(r.status).toBe(401);
    expect(r.errorInfo?.errorCode).toBe(1001);
  });

  it("rejects a refresh token used as a bearer, and an access token used to refresh", async () => {
    expect((await profile(pair.refreshToken)).status).toBe(401);
    expect((await refresh(pair.accessToken)).status).toBe(401);
  });

  it("rejects a malformed Authorization header", async () => {
    const res = await fetch(`${t.baseUrl}/synctv.v1.UserService/GetProfile`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${pair.accessToken}` },
      body: "{}",
    });
    expect(res.status).toBe(401);
  });

  it("public RPCs ignore a bad token instead of failing", async () => {
    const r = await callJson(t.baseUrl, "synctv.v1.PublicService/GetServerTime", { clientTimeMs: "1" }, "garbage");
    expect(r.status).toBe(200);
  });

  it("a banned user's tokens stop working at once, and work again after unban", async () => {
    expect((await profile(pair.accessToken)).status).toBe(200);
    await t.database.tx((tx) => banUser(tx, { userId: pair.userId, bannedBy: null, reason: "test", endsAt: null }));
    expect((await profile(pair.accessToken)).status).toBe(401);
    expect((await refresh(pair.refreshToken)).status).toBe(401);
    expect((await login("frank", "Quiet-River-3")).status).toBe(401);
    await t.database.tx((tx) => unbanUser(tx, pair.userId, null));
    expect((await profile(pair.accessToken)).status).toBe(200);
  });
});

describe("guest tokens", () => {
  it("are issued for a public room that admits guests, refused on user RPCs, and die when the guest version moves", async () => {
    const owner = await register("gina", "Bright-Star-5");
    const room = await insertRoom(t.database.db, { createdBy: owner.userId, isPublic: true, allowGuestJoin: true });
    const roomId = ids.encode("room", room.id);
    const issued = await callJson<{ token: string; guestId: string; displayName: string }>(
      t.baseUrl,
      "synctv.v1.AuthService/CreateGuestToken",
      { roomId },
    );
    expect(issued.status).toBe(200);
    expect(issued.body.guestId).toMatch(/^gst_[A-Za-z0-9]+$/);
    expect(issued.body.displayName).toMatch(/^Guest-/);

    const asGuest = await profile(issued.body.token);
    expect(asGuest.status).toBe(403);
    expect(asGuest.errorInfo?.errorCode).toBe(4008);

    await bumpGuestVersion(t.database.db, room.id);
    const revoked = await profile(issued.body.token);
    expect(revoked.status).toBe(401);
    expect(revoked.errorInfo?.errorCode).toBe(1004);
  });

  it("are refused for a private room (4008) and an unknown room (NOT_FOUND)", async () => {
    const owner = await register("hank", "Green-Leaf-8");
    const room = await insertRoom(t.database.db, { createdBy: owner.userId, isPublic: false, allowGuestJoin: true });
    const closed = await callJson(t.baseUrl, "synctv.v1.AuthService/CreateGuestToken", {
      roomId: ids.encode("room", room.id),
    });
    expect(closed.errorInfo?.errorCode).toBe(4008);
    const missing = await callJson(t.baseUrl, "synctv.v1.AuthService/CreateGuestToken", {
      roomId: ids.encode("room", room.id + 1000),
    });
    expect(missing.status).toBe(404);
  });
});

describe("storage and logs", () => {
  it("registration stores only an OPAQUE record, never the password", async () => {
    const password = "Hidden-Value-77";
    const user = await register("ivy", password);
    const [row] = await t.database.db
      .select()
      .from(authPasswordCredentials)
      .where(eq(authPasswordCredentials.userId, user.userId));
    const record = row?.opaqueRecord;
    const identifier = row?.opaqueCredentialIdentifier;
    if (!record || !identifier) throw new Error("no OPAQUE credential stored");
    expect(record.length).toBe(192);
    expect(Buffer.from(record).includes(Buffer.from(password))).toBe(false);
    expect(Buffer.from(identifier).toString()).toBe("user:ivy");
  });

  it("no password or token from these flows reached the log", () => {
    const log = t.logText();
    expect(log.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});
