// Builds a RuntimeSettings snapshot from stored key/value entries: known keys whose stored value has
// the default's type replace the default; unknown keys and mistyped values are ignored (spec 08 §5),
// so a bad row can never take the server down.
import { defaultRuntimeSettings, type RuntimeSettings } from "./runtime-settings.js";

export interface SettingsOverlayResult {
  settings: RuntimeSettings;
  ignored: string[];
}

export function runtimeSettingsFromEntries(entries: ReadonlyMap<string, unknown>): SettingsOverlayResult {
  const settings = structuredClone(defaultRuntimeSettings) as unknown as Record<string, Record<string, unknown>>;
  const ignored: string[] = [];
  for (const [key, value] of entries) {
    const [section, name, ...rest] = key.split(".");
    const target = section !== undefined ? settings[section] : undefined;
    if (!target || name === undefined || rest.length > 0 || !(name in target)) continue; // not read in P1
    if (!sameKind(target[name], value)) {
      ignored.push(key);
      continue;
    }
    target[name] = value;
  }
  return { settings: settings as unknown as RuntimeSettings, ignored };
}

function sameKind(current: unknown, next: unknown): boolean {
  if (typeof current === "number") return typeof next === "number" && Number.isFinite(next);
  return typeof current === typeof next && next !== null;
}
