// Audits every mutating management call (08 §4.5). It opens the call's AuditContext (actor
// local-management, source management, the transport in details) and runs the call under it:
// the change's transaction carries the row; a rejection (bad token and validation included, as this
// runs outside them) queues a best-effort row with its error code. Streaming calls (StopServer)
// record their own row before they start, since the database closes while they stream.
import { createContextKey, type HandlerContext, type Interceptor } from "@connectrpc/connect";
import { requestIdKey } from "../../api/context.js";
import { type AuditAction, MANAGEMENT_ACTOR_NAME } from "../../core/audit/audit-actions.js";
import { AuditContext } from "../../core/audit/audit-entry.js";
import { type AuditSink, runAudited } from "../../core/audit/audited-call.js";
import { callOriginKey } from "./call-origin.js";

export const auditContextKey = createContextKey<AuditContext | undefined>(undefined, {
  description: "audit row of this mutating management call",
});

/** The call's AuditContext; handlers add the target and details. Absent for read-only calls. */
export function auditOf(ctx: Pick<HandlerContext, "values">): AuditContext | undefined {
  return ctx.values.get(auditContextKey);
}

export function auditInterceptor(actions: ReadonlyMap<string, AuditAction>, sink: AuditSink): Interceptor {
  return (next) => async (req) => {
    const action = actions.get(req.method.name);
    if (action === undefined) return next(req);
    const origin = req.contextValues.get(callOriginKey);
    const context = new AuditContext(action, {
      actorId: null,
      actorName: MANAGEMENT_ACTOR_NAME,
      source: "management",
      ip: origin.peer === "" ? null : origin.peer,
      userAgent: origin.userAgent === "" ? null : origin.userAgent,
      requestId: req.contextValues.get(requestIdKey),
      transport: origin.transport,
    });
    req.contextValues.set(auditContextKey, context);
    if (req.method.methodKind === "server_streaming") {
      try {
        return await next(req);
      } catch (error) {
        if (!context.recorded) sink.rejected.enqueue(context.rejected(error));
        throw error;
      }
    }
    return runAudited(sink, context, () => next(req));
  };
}
