// What a client learns about this server before signing in: identity, version, where the realtime
// channel lives, and whether it runs on generated development secrets.

export const REALTIME_PATH_TEMPLATE = "/ws/rooms/{roomId}";

export interface ServerIdentity {
  serverId: string;
  version: string;
  devMode: boolean;
  /** `realtime.public_url` when configured, else empty (derived from the request). */
  realtimePublicUrl: string;
  realtimePort: number;
  features: readonly string[];
  enabledProviders: readonly string[];
}

export interface ServerDescription {
  serverId: string;
  serverName: string;
  version: string;
  realtimeUrl: string;
  realtimePathTemplate: string;
  features: string[];
  enabledProviders: string[];
  devMode: boolean;
}

/**
 * The realtime URL: the configured public one, else the host the client used with the realtime
 * port and a ws/wss scheme matching how the client reached us.
 */
export function describeServer(
  identity: ServerIdentity,
  serverName: string,
  request: { host: string; secure: boolean },
): ServerDescription {
  return {
    serverId: identity.serverId,
    serverName,
    version: identity.version,
    realtimeUrl: identity.realtimePublicUrl || deriveRealtimeUrl(request.host, request.secure, identity.realtimePort),
    realtimePathTemplate: REALTIME_PATH_TEMPLATE,
    features: [...identity.features],
    enabledProviders: [...identity.enabledProviders],
    devMode: identity.devMode,
  };
}

function deriveRealtimeUrl(host: string, secure: boolean, port: number): string {
  const hostname = stripPort(host || "localhost");
  return `${secure ? "wss" : "ws"}://${hostname}:${port}`;
}

function stripPort(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon > 0 ? host.slice(0, colon) : host;
}
