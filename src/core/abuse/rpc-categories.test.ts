import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { DescService } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { categoryOf, declaredMethods, declaredRateRule } from "./rpc-categories.js";

const genDir = resolve(import.meta.dirname, "../../../gen");

function generatedFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return generatedFiles(path);
    return path.endsWith("_pb.ts") ? [path] : [];
  });
}

function isService(value: unknown): value is DescService {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "service";
}

/** Every service any generated file declares, found by walking gen/ so new files are covered too. */
async function generatedServices(): Promise<DescService[]> {
  const modules = await Promise.all(
    generatedFiles(genDir).map((file) => import(pathToFileURL(file).href) as Promise<Record<string, unknown>>),
  );
  return modules.flatMap((m) => Object.values(m).filter(isService));
}

describe("RPC rate categories", () => {
  it("every method of every generated service has a declared rule", async () => {
    const services = await generatedServices();
    expect(services.map((s) => s.typeName)).toContain("synctv.v1.AuthService");
    const undecided = services.flatMap((s) =>
      s.methods.filter((m) => declaredRateRule(s.typeName, m.name) === undefined).map((m) => `${s.typeName}/${m.name}`),
    );
    expect(undecided).toEqual([]);
  });

  it("the table names no method that the protos do not have", async () => {
    const known = new Set((await generatedServices()).flatMap((s) => s.methods.map((m) => `${s.typeName}/${m.name}`)));
    const stale = declaredMethods()
      .map(({ service, method }) => `${service}/${method}`)
      .filter((name) => !known.has(name));
    expect(stale).toEqual([]);
  });

  it("auth calls are `auth` except logout, refresh and guest tokens", () => {
    expect(categoryOf("synctv.v1.AuthService", "StartLogin")).toBe("auth");
    expect(categoryOf("synctv.v1.AuthService", "FinishOpaqueLogin")).toBe("auth");
    expect(categoryOf("synctv.v1.AuthService", "Logout")).toBe("write");
    expect(categoryOf("synctv.v1.AuthService", "RefreshToken")).toBe("refresh");
    expect(categoryOf("synctv.v1.AuthService", "CreateGuestToken")).toBe("guest");
  });

  it("media, websocket, read and admin calls land in their categories", () => {
    expect(categoryOf("synctv.v1.PlaylistService", "AddMediaBatch")).toBe("media");
    expect(categoryOf("synctv.v1.ProviderService", "PrepareDirectUrl")).toBe("media");
    expect(categoryOf("synctv.v1.RealtimeService", "MessageStream")).toBe("websocket");
    expect(categoryOf("synctv.v1.RealtimeService", "CreateWebSocketTicket")).toBe("websocket");
    expect(categoryOf("synctv.v1.RealtimeService", "WatchChatEvents")).toBe("read");
    expect(categoryOf("synctv.v1.PublicService", "GetServerTime")).toBe("read");
    expect(categoryOf("synctv.admin.v1.AdminService", "ListUsers")).toBe("admin");
  });

  it("health and reflection are unlimited", () => {
    expect(categoryOf("grpc.health.v1.Health", "Check")).toBe("unlimited");
    expect(categoryOf("grpc.reflection.v1.ServerReflection", "ServerReflectionInfo")).toBe("unlimited");
  });

  it("an undeclared RPC falls back to the write budget, never to unlimited", () => {
    expect(declaredRateRule("synctv.v1.RoomService", "SomethingNew")).toBeUndefined();
    expect(categoryOf("synctv.v1.RoomService", "SomethingNew")).toBe("write");
  });
});
