import { createHmac, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../infra/clock.js";
import { cryptoRandom } from "../../../infra/random.js";
import { DomainError } from "../../errors.js";
import type { TokenKind } from "./token-claims.js";
import { TokenCodec, type TokenCodecOptions } from "./token-codec.js";

const SECRET = `jwt-${randomBytes(24).toString("base64url")}`;
const USER = { userPublicId: "usr_AbC123xyZ", sid: "s".repeat(10) + randomBytes(16).toString("hex"), pv: 3 };
const GUEST = { roomPublicId: "room_Q9pLm2Rt", guestSessionId: "g7Hk2mQp9Zx", gv: 4, ge: 2 };

function makeCodec(overrides: Partial<TokenCodecOptions> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 4, 1, 12));
  const codec = new TokenCodec({
    secret: SECRET,
    issuer: "",
    audience: "",
    accessTtlSeconds: 3600,
    refreshTtlSeconds: 30 * 86_400,
    guestTtlSeconds: 4 * 3600,
    leewaySeconds: 60,
    clock,
    random: cryptoRandom,
    ...overrides,
  });
  return { clock, codec };
}

/** The app code a rejected verification carries (1000 or 1001); fails the test on anything else. */
async function rejectionCode(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    const error = e as DomainError;
    expect(error.kind).toBe("UNAUTHENTICATED");
    expect(error.message).toBe("Authentication failed");
    return error.code;
  }
  throw new Error("the token was accepted");
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const parts = (token: string) => {
  const [header, payload, signature] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(header!, "base64url").toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>,
    signature: signature!,
  };
};

/** A token signed by hand with HMAC, so tests control every byte of header and payload. */
function handSigned(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret = SECRET,
  hash = "sha256",
) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest("base64url")}`;
}

async function validPayload(kind: TokenKind = "access") {
  const { codec } = makeCodec();
  const issued =
    kind === "guest" ? await codec.issueGuest(GUEST) : await codec.issueAccess({ ...USER, cbm: "password" });
  return parts(issued.token).payload;
}

describe("token codec: issuing and round trips", () => {
  it("an access token round-trips with the claims of 05 §4.1", async () => {
    const { codec, clock } = makeCodec();
    const issued = await codec.issueAccess({ ...USER, cbm: "password" });
    expect(issued.jti).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(issued.issuedAt).toBe(clock.now());
    expect(issued.expiresAt).toBe(clock.now() + 3600_000);
    const claims = await codec.verify(issued.token, "access");
    expect(claims).toEqual({
      typ: "access",
      sub: USER.userPublicId,
      sid: USER.sid,
      pv: 3,
      cbm: "password",
      jti: issued.jti,
      iat: issued.issuedAt / 1000,
      exp: issued.expiresAt / 1000,
    });
    expect(parts(issued.token).header).toEqual({ alg: "HS256", typ: "JWT" });
  });

  it("a refresh token round-trips, keeps amr and lives 30 days", async () => {
    const { codec, clock } = makeCodec();
    const issued = await codec.issueRefresh({ ...USER, cbm: "password", amr: "local_2fa" });
    expect(issued.expiresAt - clock.now()).toBe(30 * 86_400_000);
    const claims = await codec.verify(issued.token, "refresh");
    expect(claims).toMatchObject({ typ: "refresh", sub: USER.userPublicId, amr: "local_2fa", jti: issued.jti });
  });

  it("a guest token round-trips with sub guest:<room>:<session>, gv and ge", async () => {
    const { codec, clock } = makeCodec();
    const issued = await codec.issueGuest(GUEST);
    expect(issued.expiresAt - clock.now()).toBe(4 * 3_600_000);
    const claims = await codec.verify(issued.token, "guest");
    expect(claims).toMatchObject({
      typ: "guest",
      sub: `guest:${GUEST.roomPublicId}:${GUEST.guestSessionId}`,
      roomPublicId: GUEST.roomPublicId,
      guestSessionId: GUEST.guestSessionId,
      gv: 4,
      ge: 2,
    });
    expect(parts(issued.token).payload).not.toHaveProperty("sid");
  });

  it("every token gets its own jti", async () => {
    const { codec } = makeCodec();
    const jtis = new Set<string>();
    for (let i = 0; i < 20; i++) jtis.add((await codec.issueAccess({ ...USER, cbm: "password" })).jti);
    expect(jtis.size).toBe(20);
  });

  it("issuer and audience are set and checked when configured", async () => {
    const { codec } = makeCodec({ issuer: "https://tv.example", audience: "synctv" });
    const issued = await codec.issueAccess({ ...USER, cbm: "password" });
    expect(parts(issued.token).payload).toMatchObject({ iss: "https://tv.example", aud: "synctv" });
    await expect(codec.verify(issued.token, "access")).resolves.toMatchObject({ sub: USER.userPublicId });
    const { codec: otherIssuer } = makeCodec({ issuer: "https://other.example", audience: "synctv" });
    expect(await rejectionCode(otherIssuer.verify(issued.token, "access"))).toBe(1000);
    const { codec: otherAudience } = makeCodec({ issuer: "https://tv.example", audience: "admin" });
    expect(await rejectionCode(otherAudience.verify(issued.token, "access"))).toBe(1000);
    // Not configured: the codec neither sets nor demands them.
    const { codec: plain } = makeCodec();
    expect(parts((await plain.issueAccess({ ...USER, cbm: "password" })).token).payload).not.toHaveProperty("iss");
    await expect(plain.verify(issued.token, "access")).resolves.toBeTruthy();
  });

  it("inputs verify would reject are refused at issue", async () => {
    const { codec } = makeCodec();
    await expect(codec.issueAccess({ ...USER, userPublicId: "room_x1", cbm: "password" })).rejects.toThrow(RangeError);
    await expect(codec.issueAccess({ ...USER, sid: "", cbm: "password" })).rejects.toThrow(RangeError);
    await expect(codec.issueAccess({ ...USER, pv: -1, cbm: "password" })).rejects.toThrow(RangeError);
    await expect(codec.issueGuest({ ...GUEST, guestSessionId: "a:b" })).rejects.toThrow(RangeError);
  });
});

describe("token codec: rejections", () => {
  it("a token of another kind is rejected (typ claim)", async () => {
    const { codec } = makeCodec();
    const access = await codec.issueAccess({ ...USER, cbm: "password" });
    const refresh = await codec.issueRefresh({ ...USER, cbm: "password" });
    const guest = await codec.issueGuest(GUEST);
    expect(await rejectionCode(codec.verify(access.token, "refresh"))).toBe(1000);
    expect(await rejectionCode(codec.verify(refresh.token, "access"))).toBe(1000);
    expect(await rejectionCode(codec.verify(guest.token, "access"))).toBe(1000);
    expect(await rejectionCode(codec.verify(access.token, "guest"))).toBe(1000);
  });

  it("a token signed with another secret is rejected", async () => {
    const { codec } = makeCodec();
    const { codec: other } = makeCodec({ secret: `other-${randomBytes(24).toString("hex")}` });
    const token = (await other.issueAccess({ ...USER, cbm: "password" })).token;
    expect(await rejectionCode(codec.verify(token, "access"))).toBe(1000);
  });

  it("a tampered payload is rejected", async () => {
    const { codec } = makeCodec();
    const issued = await codec.issueAccess({ ...USER, cbm: "password" });
    const { header, payload, signature } = parts(issued.token);
    const forged = `${b64(header)}.${b64({ ...payload, sub: "usr_Root1" })}.${signature}`;
    expect(await rejectionCode(codec.verify(forged, "access"))).toBe(1000);
    const truncated = issued.token.slice(0, -2);
    expect(await rejectionCode(codec.verify(truncated, "access"))).toBe(1000);
  });

  it("alg none is rejected", async () => {
    const { codec } = makeCodec();
    const payload = await validPayload();
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`;
    expect(await rejectionCode(codec.verify(none, "access"))).toBe(1000);
  });

  it("HS512 with the right secret is rejected: HS256 only", async () => {
    const { codec } = makeCodec();
    const token = handSigned({ alg: "HS512", typ: "JWT" }, await validPayload(), SECRET, "sha512");
    expect(await rejectionCode(codec.verify(token, "access"))).toBe(1000);
  });

  it("RS256 is rejected", async () => {
    const { codec } = makeCodec();
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const input = `${b64({ alg: "RS256", typ: "JWT" })}.${b64(await validPayload())}`;
    const token = `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
    expect(await rejectionCode(codec.verify(token, "access"))).toBe(1000);
  });

  it("a correctly signed token built by hand verifies, so the rejections below test one change each", async () => {
    const { codec } = makeCodec();
    const token = handSigned({ alg: "HS256", typ: "JWT" }, await validPayload());
    await expect(codec.verify(token, "access")).resolves.toMatchObject({ sub: USER.userPublicId });
  });

  it("a wrong typ header is rejected", async () => {
    const { codec } = makeCodec();
    const token = handSigned({ alg: "HS256", typ: "at+jwt" }, await validPayload());
    expect(await rejectionCode(codec.verify(token, "access"))).toBe(1000);
  });

  it("missing exp, iat or jti is rejected", async () => {
    const { codec } = makeCodec();
    for (const claim of ["exp", "iat", "jti"]) {
      const payload = await validPayload();
      delete payload[claim];
      const token = handSigned({ alg: "HS256", typ: "JWT" }, payload);
      expect(await rejectionCode(codec.verify(token, "access")), claim).toBe(1000);
    }
  });

  it("malformed claims are rejected", async () => {
    const { codec } = makeCodec();
    const cases: Array<Record<string, unknown>> = [
      { jti: "short" },
      { pv: "3" },
      { pv: -1 },
      { sid: "" },
      { cbm: "webauthn" },
      { amr: "sms" },
      { sub: "room_AbC123" },
      { iat: "now" },
    ];
    for (const change of cases) {
      const token = handSigned({ alg: "HS256", typ: "JWT" }, { ...(await validPayload()), ...change });
      expect(await rejectionCode(codec.verify(token, "access")), JSON.stringify(change)).toBe(1000);
    }
    for (const change of [{ gv: -1 }, { ge: 1.5 }, { sub: "guest:room_Ab1" }, { sub: "guest:room_Ab1:x:y" }]) {
      const token = handSigned({ alg: "HS256", typ: "JWT" }, { ...(await validPayload("guest")), ...change });
      expect(await rejectionCode(codec.verify(token, "guest")), JSON.stringify(change)).toBe(1000);
    }
  });

  it("an iat in the future beyond the leeway is rejected; within it, accepted", async () => {
    const { codec, clock } = makeCodec();
    const now = Math.floor(clock.now() / 1000);
    const payload = await validPayload();
    const within = handSigned({ alg: "HS256", typ: "JWT" }, { ...payload, iat: now + 60, exp: now + 3660 });
    await expect(codec.verify(within, "access")).resolves.toBeTruthy();
    const beyond = handSigned({ alg: "HS256", typ: "JWT" }, { ...payload, iat: now + 61, exp: now + 3661 });
    expect(await rejectionCode(codec.verify(beyond, "access"))).toBe(1000);
  });

  it("garbage is rejected without a crash", async () => {
    const { codec } = makeCodec();
    for (const token of ["", "a", "a.b.c", "...", "x".repeat(10_000), "eyJhbGciOiJIUzI1NiJ9.e30."]) {
      expect(await rejectionCode(codec.verify(token, "access"))).toBe(1000);
    }
  });
});

describe("token codec: expiry and leeway", () => {
  it("a token stays valid up to exp plus the leeway, then is TOKEN_EXPIRED (1001)", async () => {
    const { codec, clock } = makeCodec();
    const issued = await codec.issueAccess({ ...USER, cbm: "password" });
    clock.set(issued.expiresAt + 59_000);
    await expect(codec.verify(issued.token, "access")).resolves.toMatchObject({ jti: issued.jti });
    clock.set(issued.expiresAt + 60_000);
    expect(await rejectionCode(codec.verify(issued.token, "access"))).toBe(1001);
  });

  it("with leeway 0 the token expires exactly at exp", async () => {
    const { codec, clock } = makeCodec({ leewaySeconds: 0 });
    const issued = await codec.issueGuest(GUEST);
    clock.set(issued.expiresAt - 1000);
    await expect(codec.verify(issued.token, "guest")).resolves.toBeTruthy();
    clock.set(issued.expiresAt);
    expect(await rejectionCode(codec.verify(issued.token, "guest"))).toBe(1001);
  });

  it("an expired token of the wrong kind or with a bad signature is not reported as expired", async () => {
    const { codec, clock } = makeCodec();
    const refresh = await codec.issueRefresh({ ...USER, cbm: "password" });
    clock.set(refresh.expiresAt + 3_600_000);
    expect(await rejectionCode(codec.verify(refresh.token, "access"))).toBe(1000);
    const { codec: other } = makeCodec({ secret: `other-${randomBytes(24).toString("hex")}`, clock });
    expect(await rejectionCode(other.verify(refresh.token, "refresh"))).toBe(1000);
    expect(await rejectionCode(codec.verify(refresh.token, "refresh"))).toBe(1001);
  });
});
