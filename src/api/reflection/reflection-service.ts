// grpc.reflection.v1 and v1alpha: the same bidi protocol under two package names, both answered
// from one DescriptorIndex.
import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import * as v1 from "../../../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import type { DescriptorIndex, ReflectionAnswer } from "./descriptor-index.js";

type Request = v1.ServerReflectionRequest | v1alpha.ServerReflectionRequest;

function answer(index: DescriptorIndex, req: Request): ReflectionAnswer {
  const m = req.messageRequest;
  switch (m.case) {
    case "listServices":
      return index.listServices();
    case "fileByFilename":
      return index.fileByName(m.value);
    case "fileContainingSymbol":
      return index.fileContainingSymbol(m.value);
    case "fileContainingExtension":
      return index.unsupported("file_containing_extension");
    case "allExtensionNumbersOfType":
      return index.unsupported("all_extension_numbers_of_type");
    default:
      return index.unsupported("empty request");
  }
}

/** The response fields shared by both versions, built from one answer. */
function responseInit(req: Request, a: ReflectionAnswer) {
  const base = { validHost: req.host };
  switch (a.kind) {
    case "services":
      return {
        ...base,
        messageResponse: {
          case: "listServicesResponse" as const,
          value: { service: a.names.map((name) => ({ name })) },
        },
      };
    case "files":
      return {
        ...base,
        messageResponse: {
          case: "fileDescriptorResponse" as const,
          value: { fileDescriptorProto: a.descriptors },
        },
      };
    case "error":
      return {
        ...base,
        messageResponse: {
          case: "errorResponse" as const,
          value: { errorCode: a.code, errorMessage: a.message },
        },
      };
  }
}

export function registerReflection(router: ConnectRouter, index: DescriptorIndex): void {
  router.service(v1.ServerReflection, {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield create(v1.ServerReflectionResponseSchema, {
          ...responseInit(req, answer(index, req)),
          originalRequest: req,
        });
      }
    },
  });
  router.service(v1alpha.ServerReflection, {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield create(v1alpha.ServerReflectionResponseSchema, {
          ...responseInit(req, answer(index, req)),
          originalRequest: req,
        });
      }
    },
  });
}
