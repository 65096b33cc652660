// Core decides, transports translate: nothing under src/core may import a transport (our own
// src/api, src/realtime, src/management) or a transport library (Fastify, Connect, uWebSockets.js).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const coreDir = join(root, "src/core");

const FORBIDDEN_PACKAGES = [/^fastify($|\/)/, /^@fastify\//, /^@connectrpc\//, /^uWebSockets\.js($|\/)/];
const FORBIDDEN_DIRS = ["src/api", "src/realtime", "src/management"].map((d) => join(root, d));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Static imports, re-exports and dynamic imports. */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /\bfrom\s+["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /^\s*import\s+["']([^"']+)["']/gm,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) specifiers.push(match[1]!);
  }
  return specifiers;
}

function violations(file: string, source: string): string[] {
  return importsOf(source).filter((spec) => {
    if (spec.startsWith(".")) {
      const target = resolve(dirname(file), spec);
      return FORBIDDEN_DIRS.some((dir) => target === dir || target.startsWith(`${dir}/`));
    }
    return FORBIDDEN_PACKAGES.some((p) => p.test(spec));
  });
}

describe("architecture", () => {
  it("src/core imports no transport code or transport library", () => {
    const found = sourceFiles(coreDir).flatMap((file) =>
      violations(file, readFileSync(file, "utf8")).map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(found).toEqual([]);
  });

  it("the check catches each forbidden kind of import", () => {
    const file = join(coreDir, "rooms/room-service.ts");
    expect(violations(file, 'import { x } from "../../api/context.js";')).toHaveLength(1);
    expect(violations(file, 'import type { Y } from "../../realtime/hub.js";')).toHaveLength(1);
    expect(violations(file, 'export * from "../../management/cli.js";')).toHaveLength(1);
    expect(violations(file, 'import Fastify from "fastify";')).toHaveLength(1);
    expect(violations(file, 'import { Code } from "@connectrpc/connect";')).toHaveLength(1);
    expect(violations(file, 'const u = await import("uWebSockets.js");')).toHaveLength(1);
    expect(violations(file, 'import { eq } from "drizzle-orm";')).toHaveLength(0);
    expect(violations(file, 'import { clock } from "../../infra/clock.js";')).toHaveLength(0);
  });
});
