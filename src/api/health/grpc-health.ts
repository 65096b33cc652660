// grpc.health.v1.Health on the API port: SERVING while the node is ready, NOT_SERVING while it
// drains; unknown service names answer NOT_FOUND as the health protocol prescribes.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import {
  Health,
  HealthCheckResponseSchema,
  HealthListResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../../gen/grpc/health/v1/health_pb.js";

export interface ServingState {
  isServing(): boolean;
  /** Resolves when serving ends (shutdown), so Watch streams can report it and finish. */
  stopped: Promise<void>;
}

export function registerGrpcHealth(router: ConnectRouter, serviceNames: readonly string[], state: ServingState) {
  const known = new Set(["", ...serviceNames]);
  const status = () => (state.isServing() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  const check = (service: string) => {
    if (!known.has(service)) throw new ConnectError(`unknown service ${service}`, Code.NotFound);
    return create(HealthCheckResponseSchema, { status: status() });
  };
  router.service(Health, {
    check: (req) => check(req.service),
    list: () =>
      create(HealthListResponseSchema, {
        statuses: Object.fromEntries([...known].map((name) => [name, { status: status() }])),
      }),
    async *watch(req, ctx) {
      yield check(req.service);
      await Promise.race([
        state.stopped,
        new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true })),
      ]);
      if (!ctx.signal.aborted) yield create(HealthCheckResponseSchema, { status: ServingStatus.NOT_SERVING });
    },
  });
}
