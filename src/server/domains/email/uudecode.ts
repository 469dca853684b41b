/**
 * uuencoded files inside a text body (`begin 644 name` … `end`, as old clients, scripts and some gateways still
 * send them). No maintained npm package decodes these blocks: `uuencode` (0.0.4) decodes bare lines only, without
 * the begin/end frame, and uses the deprecated `new Buffer`.
 */

export interface UuFile {
  filename: string;
  content: Buffer;
}

const BEGIN = /^begin [0-7]{3,4} (\S.*)$/;
const MAX_FILES = 50;

/** The bytes of one encoded line, or null when it is not a well-formed uuencoded line. */
const decodeLine = (line: string): Buffer | null => {
  if (line.length === 0) return null;
  const length = (line.charCodeAt(0) - 32) & 63;
  const needed = Math.ceil(length / 3) * 4;
  const body = line.slice(1);
  // some relays strip trailing spaces (which encode zero bits); anything else longer or shorter is not ours
  if (body.length > needed + 4 || body.trimEnd().length > needed) return null;
  const chars = body.padEnd(needed, " ").slice(0, needed);
  if (!/^[ -`]*$/.test(chars)) return null;
  const sextet = (at: number) => (chars.charCodeAt(at) - 32) & 63;
  const out = Buffer.alloc(length);
  for (let group = 0, at = 0; at < length; group += 4) {
    const [a, b, c, d] = [sextet(group), sextet(group + 1), sextet(group + 2), sextet(group + 3)];
    for (const byte of [(a << 2) | (b >> 4), ((b & 15) << 4) | (c >> 2), ((c & 3) << 6) | d]) {
      if (at < length) out[at++] = byte & 255;
    }
  }
  return out;
};

/**
 * Takes every complete uuencoded block out of a text: the text without them, and the files they held. A block
 * that is not well formed (a line that does not decode, no `end`) stays in the text as it was.
 */
export const extractUuencoded = (text: string): { text: string; files: UuFile[] } => {
  if (!text.includes("begin ")) return { text, files: [] };
  const lines = text.split(/\r?\n/);
  const kept: string[] = [];
  const files: UuFile[] = [];
  let i = 0;
  while (i < lines.length) {
    const begin = files.length < MAX_FILES ? BEGIN.exec(lines[i] ?? "") : null;
    const block = begin ? decodeBlock(lines, i + 1) : null;
    if (!begin?.[1] || !block) {
      kept.push(lines[i] ?? "");
      i += 1;
      continue;
    }
    files.push({ filename: begin[1].trim(), content: block.content });
    i = block.next;
  }
  return { text: kept.join("\n"), files };
};

/** The content of the lines from `start` up to `end`, and the index after `end`; null if malformed. */
const decodeBlock = (lines: readonly string[], start: number): { content: Buffer; next: number } | null => {
  const chunks: Buffer[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trimEnd() === "end") return { content: Buffer.concat(chunks), next: i + 1 };
    const bytes = decodeLine(line.trimEnd() === "`" || line.trimEnd() === "" ? "`" : line);
    if (!bytes) return null;
    chunks.push(bytes);
  }
  return null;
};
