// ManagementService on its own listener (spec 08 §4.1): Connect, gRPC and gRPC-Web over the
// dual-protocol server, with grpc.health.v1, and reflection only when enabled. Interceptors, outer
// to inner: error mapping (one ErrorInfo per failure), audit, the token check, request validation.
import { type ConnectRouter, createContextValues } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Logger } from "pino";
import { Health } from "../../../gen/grpc/health/v1/health_pb.js";
import { ServerReflection } from "../../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ServerReflectionV1Alpha } from "../../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { ManagementService } from "../../../gen/synctv/management/v1/management_pb.js";
import { requestIdKey } from "../../api/context.js";
import { registerGrpcHealth, type ServingState } from "../../api/health/grpc-health.js";
import { errorMappingInterceptor } from "../../api/interceptors/error-mapping.js";
import { validationInterceptor } from "../../api/interceptors/validation.js";
import { DescriptorIndex } from "../../api/reflection/descriptor-index.js";
import { registerReflection } from "../../api/reflection/reflection-service.js";
import { requestIdFrom } from "../../api/request-id.js";
import type { DualRequestHandler } from "../../api/transport/dual-protocol-server.js";
import type { AuditSink } from "../../core/audit/audited-call.js";
import type { ManagementServiceDeps } from "../service/management-deps.js";
import { AUDITED_METHODS, managementServiceImpl } from "../service/management-service.js";
import { auditInterceptor } from "./audit-interceptor.js";
import { callOriginKey } from "./call-origin.js";
import { listenManagement, type ManagementEndpoint, type ManagementListener } from "./management-listener.js";
import { managementTokenInterceptor } from "./management-token.js";

export interface ManagementServerOptions {
  endpoint: ManagementEndpoint;
  /** '' = no token (only allowed on the Unix socket; config validation enforces it). */
  authToken: string;
  enableReflection: boolean;
  log: Logger;
  service: ManagementServiceDeps;
  audit: AuditSink;
  serving: ServingState;
}

/** Request bodies stay small here; the largest is a user creation. */
const READ_MAX_BYTES = 64 * 1024;

export function managementRoutes(
  o: Pick<ManagementServerOptions, "service" | "audit" | "enableReflection" | "serving">,
) {
  return (router: ConnectRouter) => {
    router.service(ManagementService, managementServiceImpl(o.service, o.audit));
    registerGrpcHealth(router, [ManagementService.typeName], o.serving);
    if (o.enableReflection) {
      const services = [ManagementService, Health, ServerReflection, ServerReflectionV1Alpha];
      registerReflection(
        router,
        new DescriptorIndex(
          services.map((s) => s.file),
          services.map((s) => s.typeName),
        ),
      );
    }
  };
}

export function startManagementServer(o: ManagementServerOptions): Promise<ManagementListener> {
  const log = o.log.child({ component: "management" });
  const handler = connectNodeAdapter({
    routes: managementRoutes(o),
    readMaxBytes: READ_MAX_BYTES,
    interceptors: [
      errorMappingInterceptor(log),
      auditInterceptor(AUDITED_METHODS, o.audit),
      managementTokenInterceptor(o.authToken),
      validationInterceptor(),
    ],
    contextValues: (req) => {
      const values = createContextValues();
      values.set(requestIdKey, requestIdFrom(req.headers["x-request-id"]));
      values.set(callOriginKey, {
        transport: o.endpoint.transport,
        peer: o.endpoint.transport === "tcp" ? (req.socket.remoteAddress ?? "") : "",
        userAgent: String(req.headers["user-agent"] ?? "").slice(0, 200),
      });
      return values;
    },
  });
  return listenManagement(o.endpoint, handler as DualRequestHandler);
}
