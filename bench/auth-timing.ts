// Enumeration resistance, measured (auth issue acceptance 3): a login with a wrong password for a
// known account and a login for an unknown account must take the same time within the noise of
// the OPAQUE work. Prints one JSON object with both latency distributions and their difference.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { printResult } from "./support/bench-output.js";
import { summarize } from "./support/percentiles.js";
import { startSynctv } from "./support/synctv-process.js";

const ROUNDS = Number(process.env.ROUNDS ?? 30);

async function post(
  base: string,
  method: string,
  body: unknown,
  ip = "198.51.100.1",
): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/synctv.v1.AuthService/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

async function timedLogin(base: string, identifier: string, ip: string): Promise<number> {
  const started = performance.now();
  const session = await post(base, "StartLogin", { identifier }, ip);
  const result = await post(
    base,
    "LoginWithDirectPassword",
    { loginSessionId: session.loginSessionId, password: "Wrong-Password-1" },
    ip,
  );
  if (result.code !== "unauthenticated") throw new Error(`expected the vague failure, got ${JSON.stringify(result)}`);
  return performance.now() - started;
}

const dir = await mkdtemp(join(tmpdir(), "synctv-bench-auth-timing-"));
// Each round speaks for a distinct client address (documentation range, header only) through a
// trusted proxy, so the per-IP lockout (20 failures / 600 s) does not end the run early.
const server = await startSynctv({ dataDir: dir, env: { SYNCTV_SERVER_TRUSTED_PROXIES: "127.0.0.1" } });
try {
  const base = server.apiUrl;
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const username = `timing-${i}`;
    await post(base, "RegisterWithDirectPassword", { username, password: "Right-Password-1" });
    // Alternate the order so drift in machine load affects both sides alike.
    if (i % 2 === 0) {
      known.push(await timedLogin(base, username, `198.51.100.${((2 * i) % 250) + 2}`));
      unknown.push(await timedLogin(base, `nobody-${i}`, `203.0.113.${((2 * i) % 250) + 2}`));
    } else {
      unknown.push(await timedLogin(base, `nobody-${i}`, `203.0.113.${((2 * i) % 250) + 2}`));
      known.push(await timedLogin(base, username, `198.51.100.${((2 * i) % 250) + 2}`));
    }
  }
  const k = summarize(known);
  const u = summarize(unknown);
  printResult({
    name: "auth.login_failure_timing",
    parameters: { rounds: ROUNDS, flow: "StartLogin + LoginWithDirectPassword, wrong password" },
    figures: { known_account_wrong_password: k, unknown_account: u, median_difference_ms: u.median_ms - k.median_ms },
    baseline: { name: "known account, wrong password", median_ms: k.median_ms },
    target: { same_distribution: "medians within the spread (p95 − min) of either side" },
  });
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
