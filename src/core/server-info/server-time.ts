// The server half of the four-timestamp clock probe (spec 03 §4.1): the client sends t0, the server
// stamps arrival (t1) and departure (t2), the client stamps t3 and derives offset and RTT.
import type { Clock } from "../../infra/clock.js";

export interface ServerTimeProbe {
  clientTimeMs: number;
  serverReceivedMs: number;
  serverSentMs: number;
}

export function probeServerTime(clientTimeMs: number, receivedAtMs: number, clock: Clock): ServerTimeProbe {
  return { clientTimeMs, serverReceivedMs: receivedAtMs, serverSentMs: clock.now() };
}
