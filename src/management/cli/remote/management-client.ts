// A ManagementService client over Connect/HTTP 1.1 (08 §4.1): on the Unix socket through Node's
// `socketPath` request option (the URL's host is then only a header), or on loopback TCP.
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ManagementService } from "../../../../gen/synctv/management/v1/management_pb.js";
import type { ClientEndpoint } from "./endpoint.js";

export type ManagementClient = Client<typeof ManagementService>;

export function createManagementClient(endpoint: ClientEndpoint, token: string): ManagementClient {
  const interceptors: Interceptor[] = [];
  if (token !== "") {
    interceptors.push((next) => (req) => {
      req.header.set("authorization", `Bearer ${token}`);
      return next(req);
    });
  }
  const transport = createConnectTransport({
    httpVersion: "1.1",
    baseUrl: endpoint.kind === "unix" ? "http://localhost" : endpoint.baseUrl,
    nodeOptions: endpoint.kind === "unix" ? { socketPath: endpoint.socketPath } : {},
    interceptors,
    // Remote commands are short; a hung server should not hang the operator's shell forever.
    defaultTimeoutMs: 120_000,
  });
  return createClient(ManagementService, transport);
}
