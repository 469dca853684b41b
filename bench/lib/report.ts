import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export type Row = Record<string, string | number>;

const fmt = (v: string | number): string =>
  typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v;

export const table = (rows: Row[]): string => {
  if (rows.length === 0) return "(no rows)";
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(cols), line(cols.map(() => "---")), ...rows.map((r) => line(cols.map((c) => fmt(r[c] ?? ""))))].join(
    "\n",
  );
};

export const machine = (): string => {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`;
};

/** Prints a section and appends it, dated and with the exact command, to docs/performance.md. */
export const record = (
  title: string,
  command: string,
  notes: string[],
  rows: Row[],
  file = "docs/performance.md",
): void => {
  const body = [
    `### ${title} — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    "",
    `Command: \`${command}\``,
    "",
    `Machine: ${machine()}`,
    "",
    ...notes.map((n) => `- ${n}`),
    "",
    table(rows),
    "",
  ].join("\n");
  console.info(`\n${body}`);
  if (!existsSync(file) || !readFileSync(file, "utf8").startsWith("# Performance")) {
    appendFileSync(file, "# Performance\n\n## Entries\n\n");
  }
  appendFileSync(file, `${body}\n`);
};
