// Answers the questions gRPC reflection asks — which services exist, which file defines a symbol,
// a file by name — from the generated file descriptors, so tools like `buf curl` and grpcurl work
// without local .proto files.
import { type DescFile, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";

export type ReflectionAnswer =
  | { kind: "services"; names: string[] }
  | { kind: "files"; descriptors: Uint8Array[] }
  | { kind: "error"; code: number; message: string };

const GRPC_NOT_FOUND = 5;
const GRPC_UNIMPLEMENTED = 12;

export class DescriptorIndex {
  readonly #serviceNames: string[];
  readonly #filesByName = new Map<string, DescFile>();
  readonly #fileBySymbol = new Map<string, DescFile>();
  readonly #encoded = new Map<DescFile, Uint8Array>();

  constructor(files: readonly DescFile[], serviceNames: readonly string[]) {
    this.#serviceNames = [...serviceNames].sort();
    for (const file of files) this.#add(file);
  }

  listServices(): ReflectionAnswer {
    return { kind: "services", names: this.#serviceNames };
  }

  fileByName(name: string): ReflectionAnswer {
    const file = this.#filesByName.get(name);
    return file ? this.#withDependencies(file) : notFound(`file ${name}`);
  }

  fileContainingSymbol(symbol: string): ReflectionAnswer {
    const file = this.#fileBySymbol.get(symbol);
    return file ? this.#withDependencies(file) : notFound(`symbol ${symbol}`);
  }

  unsupported(what: string): ReflectionAnswer {
    return { kind: "error", code: GRPC_UNIMPLEMENTED, message: `${what} is not supported` };
  }

  #add(file: DescFile): void {
    if (this.#filesByName.has(file.proto.name)) return;
    this.#filesByName.set(file.proto.name, file);
    for (const dep of file.dependencies) this.#add(dep);
    const index = (typeName: string) => this.#fileBySymbol.set(typeName, file);
    for (const service of file.services) {
      index(service.typeName);
      for (const method of service.methods) index(`${service.typeName}.${method.name}`);
    }
    for (const e of file.enums) index(e.typeName);
    for (const ext of file.extensions) index(ext.typeName);
    const indexMessage = (m: DescFile["messages"][number]) => {
      index(m.typeName);
      for (const nested of m.nestedMessages) indexMessage(nested);
      for (const e of m.nestedEnums) index(e.typeName);
      for (const ext of m.nestedExtensions) index(ext.typeName);
    };
    for (const m of file.messages) indexMessage(m);
  }

  /** The file first, then every transitive dependency once, as clients expect. */
  #withDependencies(file: DescFile): ReflectionAnswer {
    const ordered: DescFile[] = [];
    const seen = new Set<DescFile>();
    const visit = (f: DescFile) => {
      if (seen.has(f)) return;
      seen.add(f);
      ordered.push(f);
      for (const dep of f.dependencies) visit(dep);
    };
    visit(file);
    return { kind: "files", descriptors: ordered.map((f) => this.#encode(f)) };
  }

  #encode(file: DescFile): Uint8Array {
    let bytes = this.#encoded.get(file);
    if (!bytes) {
      bytes = toBinary(FileDescriptorProtoSchema, file.proto);
      this.#encoded.set(file, bytes);
    }
    return bytes;
  }
}

function notFound(what: string): ReflectionAnswer {
  return { kind: "error", code: GRPC_NOT_FOUND, message: `${what} not found` };
}
