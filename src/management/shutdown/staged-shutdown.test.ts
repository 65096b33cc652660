import { describe, expect, it } from "vitest";
import { ManualClock } from "../../infra/clock.js";
import { createLogger } from "../../infra/logging/logger.js";
import { type ShutdownSteps, StagedShutdown, type StopEvent, stopEvents } from "./staged-shutdown.js";

const log = createLogger({ level: "silent", format: "json", nodeId: "t" });
const ORDER = [
  "READY",
  "SHUTDOWN_REQUESTED",
  "RUNTIME_DRAINING",
  "CONNECTION_DRAINING",
  "COMPONENTS_SHUTTING_DOWN",
  "FINALIZING",
];

function recordingSteps(calls: string[], overrides: Partial<ShutdownSteps> = {}): ShutdownSteps {
  return {
    requestShutdown: () => void calls.push("request"),
    drainRuntime: async () => void calls.push("runtime"),
    drainConnections: async (forced) => void calls.push(`connections:${forced()}`),
    shutDownComponents: async () => void calls.push("components"),
    finalize: async () => void calls.push("finalize"),
    ...overrides,
  };
}

describe("the staged shutdown", () => {
  it("runs every stage once, in order, and ends COMPLETED", async () => {
    const calls: string[] = [];
    const shutdown = new StagedShutdown(recordingSteps(calls), new ManualClock(1000), log);
    const seen: StopEvent[] = [];
    shutdown.subscribe((e) => seen.push(e));
    const [first, second] = await Promise.all([shutdown.run("GRACEFUL"), shutdown.run("GRACEFUL")]);
    expect([first, second]).toEqual(["COMPLETED", "COMPLETED"]);
    expect(calls).toEqual(["request", "runtime", "connections:false", "components", "finalize"]);
    expect(seen.map((e) => e.stage)).toEqual([...ORDER, "COMPLETED"]);
    expect(seen.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seen.filter((e) => e.terminal).map((e) => e.stage)).toEqual(["COMPLETED"]);
  });

  it("keeps going after a failing step (the database still closes) and ends FAILED", async () => {
    const calls: string[] = [];
    const steps = recordingSteps(calls, {
      shutDownComponents: async () => {
        throw new Error("store refused to close");
      },
    });
    const shutdown = new StagedShutdown(steps, new ManualClock(0), log);
    expect(await shutdown.run("FORCE")).toBe("FAILED");
    expect(calls).toEqual(["request", "runtime", "connections:true", "finalize"]);
  });

  it("escalates a graceful run to FORCE when asked again with FORCE", async () => {
    let release!: () => void;
    const forcedSeen: boolean[] = [];
    let onForceCalls = 0;
    const shutdown = new StagedShutdown(
      recordingSteps([], {
        drainConnections: (forced) =>
          new Promise<void>((resolve) => {
            release = () => {
              forcedSeen.push(forced());
              resolve();
            };
          }),
        onForce: () => {
          onForceCalls += 1;
          release();
        },
      }),
      new ManualClock(0),
      log,
    );
    const run = shutdown.run("GRACEFUL");
    await new Promise((r) => setTimeout(r, 10));
    void shutdown.run("FORCE");
    expect(await run).toBe("COMPLETED");
    expect(forcedSeen).toEqual([true]);
    expect(onForceCalls).toBe(1);
  });

  it("streams the events to a late subscriber from the start, ending after the terminal one", async () => {
    const shutdown = new StagedShutdown(recordingSteps([]), new ManualClock(0), log);
    await shutdown.run("GRACEFUL");
    const stages: string[] = [];
    for await (const e of stopEvents(shutdown)) stages.push(e.stage);
    expect(stages).toEqual([...ORDER, "COMPLETED"]);
  });
});
