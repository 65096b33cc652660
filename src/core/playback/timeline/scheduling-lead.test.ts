import { describe, expect, it } from "vitest";
import { schedulingLeadMs } from "./scheduling-lead.js";

describe("schedulingLeadMs", () => {
  it("is 150 ms when no RTT is known", () => {
    expect(schedulingLeadMs([])).toBe(150);
    expect(schedulingLeadMs([Number.NaN, -1])).toBe(150);
  });

  it("is twice the p95 RTT", () => {
    const samples = Array.from({ length: 20 }, (_, i) => 100 + i * 10); // 100 … 290; p95 = 280
    expect(schedulingLeadMs(samples)).toBe(560);
  });

  it("ignores the slowest 5 % of samples", () => {
    const samples = [...Array.from({ length: 19 }, () => 100), 5000];
    expect(schedulingLeadMs(samples)).toBe(200);
  });

  it("is clamped to 150–1000 ms", () => {
    expect(schedulingLeadMs([10, 20, 30])).toBe(150);
    expect(schedulingLeadMs([900, 1200])).toBe(1000);
  });
});
