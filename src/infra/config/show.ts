// Renders the merged config for `synctv config show` (08 §3.4) with every secret redacted (05 §11),
// optionally annotated with the layer each value came from. Also home of the reusable URL redactor.

import { Document, isCollection, isScalar } from "yaml";
import { configLeaves, getAtPath, setAtPath } from "./leaves.js";
import type { LoadedConfig } from "./load.js";

export type ShowFormat = "yaml" | "json";

export interface RenderOptions {
  format: ShowFormat;
  /** Annotate each value with its layer (default/file/.env/env/flag). */
  sources?: boolean;
}

/** Query parameters whose values are credentials or one-time codes (05 §11, 08 §6.3). */
const SENSITIVE_QUERY_KEYS = new Set([
  "ticket",
  "token",
  "access_token",
  "refresh_token",
  "sig",
  "signature",
  "code",
  "state",
  "password",
  "passwd",
  "secret",
  "api_key",
  "apikey",
  "key",
  "auth",
]);

export interface RedactUrlOptions {
  /** Also drop the user name (logs of database/Redis URLs lose user and password, 05 §11). */
  hideUsername?: boolean;
}

/**
 * `postgres://user:secret@host/db` → `postgres://user:***@host/db`; sensitive query values become `***`.
 * Text that does not parse as a URL is replaced entirely, since its credentials cannot be located.
 */
export function redactUrl(url: string, options: RedactUrlOptions = {}): string {
  let parsed: URL;
  try {
    // Without `scheme://` there is no authority section to find credentials in (`user:pw@host` parses as a path).
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new Error("no authority");
    parsed = new URL(url);
  } catch {
    return "<redacted: unparseable url>";
  }
  if (parsed.password !== "") parsed.password = "***";
  if (options.hideUsername && parsed.username !== "") parsed.username = "***";
  for (const name of [...parsed.searchParams.keys()]) {
    if (SENSITIVE_QUERY_KEYS.has(name.toLowerCase())) parsed.searchParams.set(name, "***");
  }
  return parsed.toString();
}

/** Inline credentials in a non-secret string (e.g. a telemetry endpoint) are redacted too. */
function looksLikeUrlWithCredentials(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value);
}

function redactedValue(loaded: LoadedConfig, path: string, value: unknown, isSecret: boolean, isUrl: boolean) {
  if (typeof value !== "string" || value === "") return value;
  if (!isSecret) return looksLikeUrlWithCredentials(value) ? redactUrl(value) : value;
  if (loaded.generatedSecrets.includes(path)) return "<generated: dev>";
  const file = loaded.secretFiles[path];
  if (file !== undefined) return `<redacted: file ${file}>`;
  return isUrl ? redactUrl(value) : "<redacted>";
}

/** The merged config as a plain tree with every secret replaced by a marker. */
export function redactedConfig(loaded: LoadedConfig): Record<string, unknown> {
  const tree = structuredClone(loaded.config) as unknown as Record<string, unknown>;
  for (const leaf of configLeaves) {
    const value = getAtPath(tree, leaf.segments);
    const replacement = redactedValue(
      loaded,
      leaf.path,
      value,
      leaf.secret !== undefined,
      leaf.secret?.format === "url",
    );
    if (replacement !== value) setAtPath(tree, leaf.segments, replacement);
  }
  return tree;
}

/** Paths to annotate: schema leaves plus dynamic entries (e.g. `media_providers.<p>`) some layer set. */
function annotatedPaths(loaded: LoadedConfig): string[] {
  return Object.keys(loaded.sources);
}

function renderYaml(loaded: LoadedConfig, tree: Record<string, unknown>, withSources: boolean): string {
  const document = new Document(tree);
  const header = [` config file: ${loaded.configFile ?? "none (built-in defaults)"}`];
  if (loaded.devMode) header.push(` dev mode: generated secrets in use (${loaded.generatedSecrets.join(", ")})`);
  document.commentBefore = header.join("\n");
  if (withSources) {
    for (const path of annotatedPaths(loaded)) {
      const node = document.getIn(path.split("."), true);
      const layer = loaded.generatedSecrets.includes(path) ? "dev-secrets" : loaded.sources[path];
      if (isScalar(node)) {
        node.comment = ` ${layer}`;
      } else if (isCollection(node)) {
        // Flow style keeps the annotation on the key's line.
        node.flow = true;
        node.comment = ` ${layer}`;
      }
    }
  }
  return document.toString({ lineWidth: 0 });
}

function renderJson(loaded: LoadedConfig, tree: Record<string, unknown>, withSources: boolean): string {
  if (withSources) {
    for (const path of annotatedPaths(loaded)) {
      const segments = path.split(".");
      const layer = loaded.generatedSecrets.includes(path) ? "dev-secrets" : loaded.sources[path];
      setAtPath(tree, segments, { value: getAtPath(tree, segments) ?? null, source: layer });
    }
  }
  return `${JSON.stringify(tree, null, 2)}\n`;
}

export function renderConfig(loaded: LoadedConfig, options: RenderOptions): string {
  const tree = redactedConfig(loaded);
  return options.format === "json"
    ? renderJson(loaded, tree, options.sources ?? false)
    : renderYaml(loaded, tree, options.sources ?? false);
}
