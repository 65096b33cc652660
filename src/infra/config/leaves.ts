// Walks the config schema once into a flat list of leaves: dotted path, value kind, secret marker, env name.
// Env mapping, secret lists, unknown-key detection and redaction all read this list, never re-derive names.

import { z } from "zod";
import { configSchema, type SecretMeta, secretRegistry } from "./schema.js";

export type LeafKind = "string" | "number" | "boolean" | "enum" | "list" | "map";

export interface ConfigLeaf {
  /** Dotted path, e.g. `server.tls.cert_file`. */
  path: string;
  segments: readonly string[];
  kind: LeafKind;
  /** Element kind of a list leaf. */
  itemKind?: "string" | "number";
  secret?: SecretMeta;
  /** `SYNCTV_` + the path's segments joined by `_`, upper-cased. */
  envName: string;
}

export const ENV_PREFIX = "SYNCTV_";

export function envNameFor(segments: readonly string[]): string {
  return ENV_PREFIX + segments.join("_").toUpperCase();
}

/** Strips wrappers that only add defaults or optionality. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional) {
      current = current.def.innerType as z.ZodType;
    } else {
      return current;
    }
  }
}

function leafKind(inner: z.ZodType): Pick<ConfigLeaf, "kind" | "itemKind"> {
  if (inner instanceof z.ZodString) return { kind: "string" };
  if (inner instanceof z.ZodNumber) return { kind: "number" };
  if (inner instanceof z.ZodBoolean) return { kind: "boolean" };
  if (inner instanceof z.ZodEnum) return { kind: "enum" };
  if (inner instanceof z.ZodRecord) return { kind: "map" };
  if (inner instanceof z.ZodArray) {
    const element = unwrap(inner.def.element as z.ZodType);
    return { kind: "list", itemKind: element instanceof z.ZodNumber ? "number" : "string" };
  }
  throw new Error(`config schema: unsupported leaf type ${inner.def.type}`);
}

interface SchemaIndex {
  leaves: ConfigLeaf[];
  /** Paths of objects whose extra keys are accepted as whole values (catchall), e.g. `media_providers`. */
  openSections: Set<string>;
  /** Paths of every object section (for unknown-key detection). */
  sections: Map<string, Set<string>>;
}

function indexSchema(): SchemaIndex {
  const index: SchemaIndex = { leaves: [], openSections: new Set(), sections: new Map() };
  const visit = (schema: z.ZodType, segments: string[]): void => {
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject) {
      const sectionPath = segments.join(".");
      index.sections.set(sectionPath, new Set(Object.keys(inner.shape)));
      const catchall = inner.def.catchall;
      if (catchall !== undefined && !(catchall instanceof z.ZodNever) && !(catchall instanceof z.ZodUnknown)) {
        index.openSections.add(sectionPath);
      }
      for (const [key, child] of Object.entries(inner.shape)) visit(child as z.ZodType, [...segments, key]);
      return;
    }
    const leaf: ConfigLeaf = { path: segments.join("."), segments, envName: envNameFor(segments), ...leafKind(inner) };
    const meta = secretRegistry.get(schema);
    if (meta !== undefined) leaf.secret = meta;
    index.leaves.push(leaf);
  };
  visit(configSchema, []);
  return index;
}

const schemaIndex = indexSchema();

export const configLeaves: readonly ConfigLeaf[] = schemaIndex.leaves;
export const leafByPath: ReadonlyMap<string, ConfigLeaf> = new Map(configLeaves.map((leaf) => [leaf.path, leaf]));
/** Every secret key path, derived from the `secret()` markers in the schema. */
export const secretPaths: readonly string[] = configLeaves.filter((leaf) => leaf.secret).map((leaf) => leaf.path);
export const secretLeaves: readonly ConfigLeaf[] = configLeaves.filter((leaf) => leaf.secret);

/** Keys accepted under an object section at `sectionPath` (`""` = root); undefined if it is not a section. */
export function sectionKeys(sectionPath: string): ReadonlySet<string> | undefined {
  return schemaIndex.sections.get(sectionPath);
}

export function isOpenSection(sectionPath: string): boolean {
  return schemaIndex.openSections.has(sectionPath);
}

/** The env variable that supplies a secret from a file. */
export function fileEnvName(leaf: ConfigLeaf): string {
  return `${leaf.envName}_FILE`;
}

/** Every env variable name the schema understands (leaves plus secret `_FILE` variants). */
export const knownEnvNames: ReadonlySet<string> = new Set(
  configLeaves.flatMap((leaf) => (leaf.secret ? [leaf.envName, fileEnvName(leaf)] : [leaf.envName])),
);

export function getAtPath(tree: unknown, segments: readonly string[]): unknown {
  let current: unknown = tree;
  for (const segment of segments) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

export function setAtPath(tree: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let current = tree;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (next === null || typeof next !== "object" || Array.isArray(next)) {
      const created: Record<string, unknown> = {};
      current[segment] = created;
      current = created;
    } else {
      current = next as Record<string, unknown>;
    }
  }
  const last = segments[segments.length - 1];
  if (last !== undefined) current[last] = value;
}

export function deleteAtPath(tree: Record<string, unknown>, segments: readonly string[]): void {
  const parent = getAtPath(tree, segments.slice(0, -1));
  const last = segments[segments.length - 1];
  if (parent !== null && typeof parent === "object" && last !== undefined) {
    delete (parent as Record<string, unknown>)[last];
  }
}
