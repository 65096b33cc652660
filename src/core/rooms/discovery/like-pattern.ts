// Room searches match substrings with ILIKE (served by the trigram indexes, 06 §3.2); the user's
// text must match literally, so LIKE's wildcards and escape character are escaped.
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
