import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores: keep parallelism modest so PGlite/WASM start-up does not starve servers under test.
    maxWorkers: 2,
  },
});
