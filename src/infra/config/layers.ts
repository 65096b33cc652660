// Turns one source (the YAML document, `.env`, the environment) into a flat set of leaf values.
// Unknown keys and variables, `*_file` secrets and the value-plus-file conflict are handled here, per layer.

import { parseEnvValue } from "./env-values.js";
import {
  type ConfigLeaf,
  configLeaves,
  ENV_PREFIX,
  fileEnvName,
  isOpenSection,
  knownEnvNames,
  leafByPath,
  sectionKeys,
} from "./leaves.js";
import type { Env } from "./paths.js";
import { type ConfigLayer, type ConfigProblem, configError, configWarning } from "./problems.js";
import { readSecretFile } from "./secret-files.js";

export interface LayerEntry {
  segments: string[];
  value: unknown;
  /** The file a secret was read from. */
  file?: string;
}

export interface Layer {
  name: ConfigLayer;
  entries: Map<string, LayerEntry>;
  problems: ConfigProblem[];
}

export interface LayerOptions {
  /** Base for relative `*_file` paths: the config file's directory, else the working directory. */
  secretBaseDir: string;
  /** Unknown keys and variables are errors instead of warnings. */
  strict: boolean;
}

/** SYNCTV_* variables that are read by the CLI or tests, not by the config schema. */
function isReservedEnvName(name: string): boolean {
  return (
    name === "SYNCTV_CONFIG_PATH" ||
    name === "SYNCTV_MANAGEMENT_ENDPOINT" ||
    name === "SYNCTV_MANAGEMENT_AUTH_TOKEN" ||
    name === "SYNCTV_MANAGEMENT_AUTH_TOKEN_FILE" ||
    name.startsWith("SYNCTV_TEST_")
  );
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

function unknownProblem(layer: ConfigLayer, path: string, message: string, strict: boolean): ConfigProblem {
  return strict ? configError(path, message, layer) : configWarning(path, message, layer);
}

async function addSecretFile(layer: Layer, leaf: ConfigLeaf, reference: string, options: LayerOptions) {
  const read = await readSecretFile(reference, options.secretBaseDir);
  if (!read.ok) {
    layer.problems.push(configError(leaf.path, read.message, layer.name));
    return;
  }
  if (read.warning !== undefined) layer.problems.push(configWarning(leaf.path, read.warning, layer.name));
  layer.entries.set(leaf.path, { segments: [...leaf.segments], value: read.value, file: read.file });
}

async function walkDocument(layer: Layer, node: Record<string, unknown>, segments: string[], options: LayerOptions) {
  const sectionPath = segments.join(".");
  const keys = sectionKeys(sectionPath) ?? new Set<string>();
  const fileRefs: Array<[ConfigLeaf, unknown]> = [];
  for (const [key, value] of Object.entries(node)) {
    const childSegments = [...segments, key];
    const childPath = childSegments.join(".");
    // A null (`key:` with nothing after it) means "not set here", like an absent key.
    if (value === null) continue;
    if (keys.has(key)) {
      if (sectionKeys(childPath) !== undefined && isPlainObject(value)) {
        await walkDocument(layer, value, childSegments, options);
      } else {
        layer.entries.set(childPath, { segments: childSegments, value });
      }
      continue;
    }
    const secretLeaf = key.endsWith("_file") ? leafByPath.get(childPath.slice(0, -"_file".length)) : undefined;
    if (secretLeaf?.secret !== undefined) {
      fileRefs.push([secretLeaf, value]);
    } else if (isOpenSection(sectionPath)) {
      layer.entries.set(childPath, { segments: childSegments, value });
    } else {
      layer.problems.push(unknownProblem(layer.name, childPath, "unknown key", options.strict));
    }
  }
  for (const [leaf, reference] of fileRefs) {
    if (layer.entries.has(leaf.path)) {
      layer.entries.delete(leaf.path);
      layer.problems.push(
        configError(leaf.path, `both ${leaf.path} and ${leaf.path}_file are set in the same layer`, layer.name),
      );
    } else if (typeof reference !== "string" || reference === "") {
      layer.problems.push(configError(`${leaf.path}_file`, "expected a file path", layer.name));
    } else {
      await addSecretFile(layer, leaf, reference, options);
    }
  }
}

/** The YAML config file's values (layer 2). */
export async function documentLayer(document: Record<string, unknown>, options: LayerOptions): Promise<Layer> {
  const layer: Layer = { name: "file", entries: new Map(), problems: [] };
  await walkDocument(layer, document, [], options);
  return layer;
}

/** `.env` (layer 3) or the process environment (layer 4): one variable per schema leaf. */
export async function environmentLayer(name: ".env" | "env", vars: Env, options: LayerOptions): Promise<Layer> {
  const layer: Layer = { name, entries: new Map(), problems: [] };
  for (const leaf of configLeaves) {
    const text = vars[leaf.envName];
    const reference = leaf.secret !== undefined ? vars[fileEnvName(leaf)] : undefined;
    if (text !== undefined && reference !== undefined) {
      const message = `both ${leaf.envName} and ${fileEnvName(leaf)} are set in the same layer`;
      layer.problems.push(configError(leaf.path, message, name));
      continue;
    }
    if (text !== undefined) {
      const parsed = parseEnvValue(leaf, text);
      if (parsed.ok) layer.entries.set(leaf.path, { segments: [...leaf.segments], value: parsed.value });
      else layer.problems.push(configError(leaf.path, `${leaf.envName}: ${parsed.message}`, name));
    } else if (reference !== undefined && reference !== "") {
      await addSecretFile(layer, leaf, reference, options);
    }
  }
  for (const variable of Object.keys(vars)) {
    if (!variable.startsWith(ENV_PREFIX) || vars[variable] === undefined) continue;
    if (knownEnvNames.has(variable) || isReservedEnvName(variable)) continue;
    layer.problems.push(unknownProblem(name, variable, "unknown variable: no config key maps to it", options.strict));
  }
  return layer;
}
