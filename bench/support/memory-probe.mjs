// Preloaded into a server under test (NODE_OPTIONS="--expose-gc --import=<this file>"): on SIGUSR2 it
// runs a full GC and prints its memory as one stderr line {"memory_probe":{…}}, so bench/connections
// can read RSS and heap of a child process without an inspector. Plain .mjs: it loads before tsx.
process.on("SIGUSR2", () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stderr.write(
    `${JSON.stringify({ memory_probe: { rss: m.rss, heap_used: m.heapUsed, heap_total: m.heapTotal, external: m.external, array_buffers: m.arrayBuffers, at_ms: Date.now() } })}\n`,
  );
});
