// Placeholder implementations for contract RPCs whose issue has not landed yet: each answers
// UNIMPLEMENTED with app code 9004, so clients see a stable, documented failure.
import type { DescService } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { unimplemented } from "../core/errors.js";

export function unimplementedService<S extends DescService>(service: S): Partial<ServiceImpl<S>> {
  const impl: Record<string, unknown> = {};
  for (const method of service.methods) {
    const fail = () => unimplemented(`${service.typeName}/${method.name} is not implemented yet`);
    impl[method.localName] =
      method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming"
        ? // biome-ignore lint/correctness/useYield: the stream fails before its first message
          async function* () {
            throw fail();
          }
        : () => {
            throw fail();
          };
  }
  return impl as Partial<ServiceImpl<S>>;
}
