import { describe, expect, it } from "vitest";
import type { AuditEntry } from "./audit-entry.js";
import { RejectedAuditQueue } from "./rejected-audit-queue.js";

const entry = (n: number): AuditEntry => ({
  actorId: null,
  actorName: "local-management",
  source: "management",
  action: "user.ban",
  targetType: "user",
  targetId: `usr_${n}`,
  details: {},
  ip: null,
  userAgent: null,
  requestId: `r${n}`,
  result: "NOT_FOUND",
});

describe("the rejected-call audit queue", () => {
  it("writes a batch as soon as 100 rows wait, and the rest at close", async () => {
    const batches: number[] = [];
    const queue = new RejectedAuditQueue({
      write: async (rows) => void batches.push(rows.length),
      onDropped: () => {},
      flushIntervalMs: 60_000,
    });
    for (let i = 0; i < 130; i++) queue.enqueue(entry(i));
    await queue.flush();
    await queue.close();
    expect(batches.reduce((a, b) => a + b, 0)).toBe(130);
    expect(batches[0]).toBe(100);
  });

  it("retries a failed write, then drops the batch and reports each entry", async () => {
    let attempts = 0;
    const dropped: string[] = [];
    const queue = new RejectedAuditQueue({
      write: async () => {
        attempts += 1;
        throw new Error("database down");
      },
      onDropped: (e, reason) => dropped.push(`${e.targetId}:${reason}`),
      attempts: 3,
      flushIntervalMs: 60_000,
    });
    queue.enqueue(entry(1));
    await queue.close();
    expect(attempts).toBe(3);
    expect(dropped).toEqual(["usr_1:write_failed"]);
    expect(queue.failures).toBe(1);
  });

  it("drops and reports entries beyond its capacity", async () => {
    const dropped: string[] = [];
    const written: string[] = [];
    const queue = new RejectedAuditQueue({
      write: async (rows) => void written.push(...rows.map((r) => r.targetId)),
      onDropped: (e, reason) => dropped.push(`${e.targetId}:${reason}`),
      capacity: 2,
      batchSize: 100,
      flushIntervalMs: 60_000,
    });
    for (let i = 0; i < 3; i++) queue.enqueue(entry(i));
    await queue.close();
    expect(written).toEqual(["usr_0", "usr_1"]);
    expect(dropped).toEqual(["usr_2:overflow"]);
  });
});
