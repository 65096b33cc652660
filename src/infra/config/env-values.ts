// Turns the text of a SYNCTV_* variable into a value of its leaf's kind (08 §3.1 env mapping).
// Anything that cannot be converted is handed to the schema unchanged, so the type error names the key.

import type { ConfigLeaf } from "./leaves.js";

export type EnvValue = { ok: true; value: unknown } | { ok: false; message: string };

const TRUE_WORDS = new Set(["true", "1", "yes"]);
const FALSE_WORDS = new Set(["false", "0", "no"]);

function toNumber(text: string): number | string {
  const trimmed = text.trim();
  if (trimmed === "") return text;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : text;
}

function parseList(leaf: ConfigLeaf, text: string): EnvValue {
  const trimmed = text.trim();
  let items: unknown[];
  if (trimmed.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (!Array.isArray(parsed)) return { ok: false, message: "expected a JSON array or a comma-separated list" };
      items = parsed;
    } catch {
      return { ok: false, message: "invalid JSON array" };
    }
  } else {
    items = trimmed === "" ? [] : trimmed.split(",").map((item) => item.trim());
  }
  if (leaf.itemKind === "number") items = items.map((item) => (typeof item === "string" ? toNumber(item) : item));
  return { ok: true, value: items };
}

function parseMap(text: string): EnvValue {
  if (text.trim() === "") return { ok: true, value: {} };
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return { ok: false, message: "expected a JSON object" };
    }
    return { ok: true, value: parsed };
  } catch {
    return { ok: false, message: "invalid JSON object" };
  }
}

export function parseEnvValue(leaf: ConfigLeaf, text: string): EnvValue {
  switch (leaf.kind) {
    case "string":
    case "enum":
      return { ok: true, value: text };
    case "number":
      return { ok: true, value: toNumber(text) };
    case "boolean": {
      const word = text.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return { ok: false, message: "expected a boolean (true/false/1/0/yes/no)" };
    }
    case "list":
      return parseList(leaf, text);
    case "map":
      return parseMap(text);
  }
}
