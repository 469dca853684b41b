/** A help-center search as typed by a customer: words, "quoted phrases" and -excluded words. */
export interface SearchQuery {
  words: string[];
  phrases: string[][];
  excluded: string[];
}

const MAX_TERMS = 12;
const MAX_TERM_LENGTH = 40;
const WORD = /[\p{L}\p{N}]+/gu;

const wordsOf = (text: string): string[] =>
  (text.toLowerCase().match(WORD) ?? []).map((w) => w.slice(0, MAX_TERM_LENGTH));

/**
 * Parses free text into search terms. Only letters and digits survive, so nothing the customer types can reach
 * the query syntax; unbalanced quotes close at the end; at most 12 terms in all.
 */
export const parseSearchQuery = (raw: string): SearchQuery => {
  const query: SearchQuery = { words: [], phrases: [], excluded: [] };
  let budget = MAX_TERMS;
  const take = (list: string[]): string[] => {
    const kept = list.slice(0, Math.max(0, budget));
    budget -= kept.length;
    return kept;
  };
  const pattern = /"([^"]*)"?|(\S+)/g;
  for (let m = pattern.exec(raw); m !== null; m = pattern.exec(raw)) {
    if (budget <= 0) break;
    if (m[1] !== undefined) {
      const phrase = take(wordsOf(m[1]));
      if (phrase.length > 1) query.phrases.push(phrase);
      else if (phrase.length === 1) query.words.push(...phrase);
      continue;
    }
    const token = m[2] ?? "";
    if (token.startsWith("-") && token.length > 1) query.excluded.push(...take(wordsOf(token.slice(1))));
    else query.words.push(...take(wordsOf(token)));
  }
  return query;
};

const lexeme = (word: string): string => `'${word}'`;

/**
 * The query as PostgreSQL `to_tsquery` text: every word and phrase must match, excluded words must not; the last
 * word also matches as a prefix (search as you type). Null when there is nothing to look for.
 */
export const toTsQuery = (q: SearchQuery): string | null => {
  const must = [
    ...q.words.map((w, i) => (i === q.words.length - 1 && q.phrases.length === 0 ? `${lexeme(w)}:*` : lexeme(w))),
    ...q.phrases.map((p) => `(${p.map(lexeme).join(" <-> ")})`),
  ];
  if (must.length === 0) return null;
  return [...must, ...q.excluded.map((w) => `!${lexeme(w)}`)].join(" & ");
};

/** The query written back as text a customer would type, for the search box. */
export const formatSearchQuery = (q: SearchQuery): string =>
  [...q.words, ...q.phrases.map((p) => `"${p.join(" ")}"`), ...q.excluded.map((w) => `-${w}`)].join(" ");
