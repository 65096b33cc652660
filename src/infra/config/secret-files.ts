// Reads a secret from a `<key>_file` / `SYNCTV_<PATH>_FILE` reference (08 §3.1, 05 §6).
// Relative paths resolve against the config file's directory; one trailing newline is stripped.

import { readFile, stat } from "node:fs/promises";
import path from "node:path";

export type SecretFileRead =
  | { ok: true; value: string; file: string; warning?: string }
  | { ok: false; file: string; message: string };

export async function readSecretFile(reference: string, baseDir: string): Promise<SecretFileRead> {
  const file = path.resolve(baseDir, reference);
  try {
    const [content, info] = await Promise.all([readFile(file, "utf8"), stat(file)]);
    const value = content.endsWith("\r\n")
      ? content.slice(0, -2)
      : content.endsWith("\n")
        ? content.slice(0, -1)
        : content;
    // Group/other read bits: anyone else on the machine could read the secret.
    const exposed = process.platform !== "win32" && (info.mode & 0o044) !== 0;
    return exposed
      ? { ok: true, value, file, warning: `secret file ${file} is readable by group or others (chmod 600 it)` }
      : { ok: true, value, file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    return { ok: false, file, message: `cannot read secret file ${file} (${code})` };
  }
}
