import type pg from "pg";

export interface Scale {
  name: string;
  cases: number;
  messages: number;
  organizations: number;
  contacts: number;
  employees: number;
}

export const SCALES: Record<string, Scale> = {
  full: {
    name: "full",
    cases: 1_000_000,
    messages: 5_000_000,
    organizations: 50_000,
    contacts: 200_000,
    employees: 500,
  },
  quick: { name: "quick", cases: 20_000, messages: 100_000, organizations: 1_000, contacts: 4_000, employees: 50 },
  tiny: { name: "tiny", cases: 300, messages: 1_500, organizations: 20, contacts: 80, employees: 6 },
};

const WORDS = [
  "printer",
  "invoice",
  "delivery",
  "conveyor",
  "sensor",
  "gearbox",
  "refund",
  "login",
  "password",
  "export",
  "damaged",
  "pallet",
  "roller",
  "bearing",
  "firmware",
  "update",
  "error",
  "timeout",
  "warranty",
  "replacement",
  "shipment",
  "carrier",
  "label",
  "account",
  "billing",
  "quote",
  "order",
  "return",
  "broken",
  "noise",
  "vibration",
  "overheating",
  "calibration",
  "manual",
  "training",
  "technician",
  "visit",
  "schedule",
  "urgent",
  "thanks",
  "please",
  "again",
  "still",
  "since",
  "yesterday",
  "morning",
  "line",
  "machine",
  "customer",
  "portal",
];
const RARE = ["quasar", "zephyr", "obsidian", "marmalade", "kerfuffle"];

/**
 * Cases stay solved only this many days (the auto-close window is 4 by default): as in a live desk, older
 * solved cases have been closed, so a benchmarked server does not spend its first minutes closing them.
 */
const SOLVED_RECENT_DAYS = 3;
const wordsSql = `ARRAY[${WORDS.map((w) => `'${w}'`).join(",")}]`;

/**
 * A deterministic pseudo-random value in [0,1) from a key, computed in SQL: the same seed always
 * produces the same company, whatever the order rows are inserted in.
 */
const rnd = (key: string) => `(('x' || substr(md5(${key}), 1, 8))::bit(32)::bigint / 4294967296.0)`;

export interface Generated {
  seconds: number;
  rows: Record<string, number>;
  /** A case with exactly 20 messages, for the "open a case" benchmark. */
  twentyMessageCaseId: string;
  adminUserId: string;
}

/**
 * Loads a synthetic company with set-based INSERT … SELECT generate_series: the rows are produced inside
 * PostgreSQL, so nothing crosses the wire (faster than COPY from the client) and everything is derived
 * from `seed` — ids included — so two runs give identical data. Skewed: a few large customers, long threads
 * on some cases, many tags.
 */
export const generateCompany = async (pool: pg.Pool, scale: Scale, seed: string): Promise<Generated> => {
  const started = performance.now();
  const s = seed.replace(/[^a-z0-9]/gi, "");
  const id = (kind: string, n: string) => benchUuid(`'${s}-${kind}-' || ${n}`);
  const q = async (text: string) => await pool.query(text);
  const { organizations: O, contacts: C, employees: E, cases: N, messages: M } = scale;

  await q(`INSERT INTO departments (id, name, kind, hourly_cost_minor, currency)
    VALUES (${id("dept", "1")}, 'Service ${s}', 'service', 5500, 'EUR'),
           (${id("dept", "2")}, 'Manufacturing ${s}', 'operations', 7200, 'EUR'),
           (${id("dept", "3")}, 'Logistics ${s}', 'operations', 4800, 'EUR')`);
  await q(`INSERT INTO users (id, email, name, role, department_id, time_zone)
    SELECT ${id("user", "n")}, 'u' || n || '.${s.toLowerCase()}@bench.test', 'Employee ' || n,
      CASE WHEN n = 1 THEN 'admin' WHEN n % 50 = 0 THEN 'supervisor' WHEN n % 3 = 0 THEN 'employee' ELSE 'agent' END,
      ${id("dept", "(1 + n % 3)::text")}, 'Europe/Berlin'
    FROM generate_series(1, ${E}) n`);
  await q(`INSERT INTO organizations (id, name, domains)
    SELECT ${id("org", "n")}, 'Customer ' || n || ' ${s}', ARRAY['org' || n || '-${s.toLowerCase()}.test']
    FROM generate_series(1, ${O}) n`);
  const orgOfContact = `(1 + floor(${O} * power(${rnd(`'co' || n`)}, 3))::int)`;
  await q(`INSERT INTO contacts (id, name, organization_id)
    SELECT ${id("contact", "n")}, 'Contact ' || n, ${id("org", `${orgOfContact}::text`)}
    FROM generate_series(1, ${C}) n`);
  await q(`INSERT INTO contact_emails (email, contact_id, position)
    SELECT 'c' || n || '@org' || ${orgOfContact} || '-${s.toLowerCase()}.test', ${id("contact", "n")}, 0
    FROM generate_series(1, ${C}) n`);

  const contactOfCase = `(1 + floor(${C} * power(${rnd(`'cc' || n`)}, 2))::int)`;
  const statusPick = rnd(`'st' || n`);
  await q(`INSERT INTO cases (id, subject, status, priority, priority_rank, type, channel, requester_id,
      organization_id, owner_id, next_step, next_step_due_at, tags, created_at, updated_at, solved_at, closed_at)
    SELECT ${id("case", "n")},
      initcap(w[1 + floor(${rnd(`'s1' || n`)} * 50)::int]) || ' ' || w[1 + floor(${rnd(`'s2' || n`)} * 50)::int] || ' '
        || w[1 + floor(${rnd(`'s3' || n`)} * 50)::int] || CASE WHEN n % 997 = 0 THEN ' ${RARE[0]}' ELSE '' END,
      st, pr, CASE pr WHEN 'low' THEN 1 WHEN 'normal' THEN 2 WHEN 'high' THEN 3 ELSE 4 END,
      (ARRAY['question','incident','problem','complaint','request','task'])[1 + floor(${rnd(`'ty' || n`)} * 6)::int],
      (ARRAY['email','web_form','portal','phone','api'])[1 + floor(${rnd(`'ch' || n`)} * 5)::int],
      ${id("contact", `${contactOfCase}::text`)},
      ${id("org", `(1 + floor(${O} * power(${rnd(`'co' || ${contactOfCase}`)}, 3))::int)::text`)},
      ${id("user", `(1 + floor(${E} * power(${rnd(`'ow' || n`)}, 1.5))::int)::text`)},
      'Reply to the customer',
      CASE WHEN st = 'closed' THEN NULL ELSE created + interval '1 day' * (${rnd(`'du' || n`)} * 40) END,
      ARRAY(SELECT 'tag' || (1 + floor(${rnd(`'tg' || n || '-' || k`)} * 200)::int) FROM generate_series(1, 1 + n % 3) k),
      created, created + interval '1 hour' * (${rnd(`'up' || n`)} * 240),
      CASE st WHEN 'solved' THEN created + interval '1 hour' WHEN 'closed' THEN created + interval '2 days' END,
      CASE WHEN st = 'closed' THEN created + interval '6 days' END
    FROM (
      SELECT n, ${wordsSql} AS w,
        now() - interval '730 days' * (1 - n::float8 / ${N}) AS created,
        CASE WHEN ${statusPick} < 0.05 THEN 'new' WHEN ${statusPick} < 0.20 THEN 'open' WHEN ${statusPick} < 0.27 THEN 'pending'
             WHEN ${statusPick} < 0.30 THEN 'on_hold'
             WHEN ${statusPick} < 0.35 AND n > ${N} * (1 - ${SOLVED_RECENT_DAYS} / 730.0) THEN 'solved' ELSE 'closed' END AS st,
        (ARRAY['low','normal','normal','normal','high','urgent'])[1 + floor(${rnd(`'pr' || n`)} * 6)::int] AS pr
      FROM generate_series(1, ${N}) n
    ) g ORDER BY n`);

  const longThread = `(${rnd(`'lt' || n`)} < 0.1)`;
  const caseOfMessage = `CASE WHEN ${longThread} THEN 2 + floor(${rnd(`'lc' || n`)} * ${Math.max(1, Math.floor(N / 100))})::int
      ELSE 2 + floor(${rnd(`'mc' || n`)} * ${N - 1})::int END`;
  await q(`INSERT INTO messages (id, case_id, kind, author_user_id, author_contact_id, body_text, created_at)
    SELECT ${id("msg", "n")}, ${id("case", `(${caseOfMessage})::text`)},
      CASE WHEN n % 4 = 0 THEN 'note' ELSE 'reply' END,
      CASE WHEN n % 2 = 0 THEN ${id("user", `(1 + n % ${E})::text`)} END,
      CASE WHEN n % 2 = 1 THEN ${id("contact", `(1 + n % ${C})::text`)} END,
      array_to_string(ARRAY(SELECT w[1 + floor(${rnd(`'mw' || n || '-' || k`)} * 50)::int] FROM generate_series(1, 25) k), ' ')
        || CASE WHEN n % 4999 = 0 THEN ' ${RARE[1]} ${RARE[2]}' ELSE '' END,
      now() - interval '1 minute' * n
    FROM (SELECT n, ${wordsSql} AS w FROM generate_series(1, ${Math.max(0, M - 20)}) n) g`);
  await q(`INSERT INTO messages (id, case_id, kind, author_contact_id, body_text, created_at)
    SELECT ${id("m20", "k")}, ${id("case", "'1'")}, 'reply', ${id("contact", "'1'")},
      'Message ' || k || ' about the delivery and the invoice for the conveyor roller', now() - interval '1 hour' * k
    FROM generate_series(1, 20) k`);
  await q("VACUUM ANALYZE");
  const counts = await pool.query<{ t: string; n: string }>(`
    SELECT 'cases' AS t, count(*) AS n FROM cases UNION ALL SELECT 'messages', count(*) FROM messages
    UNION ALL SELECT 'contacts', count(*) FROM contacts UNION ALL SELECT 'organizations', count(*) FROM organizations
    UNION ALL SELECT 'users', count(*) FROM users`);
  const one = await pool.query<{ id: string }>(`SELECT ${id("case", "'1'")} AS id`);
  const admin = await pool.query<{ id: string }>(`SELECT ${id("user", "'1'")} AS id`);
  return {
    seconds: (performance.now() - started) / 1000,
    rows: Object.fromEntries(counts.rows.map((r) => [r.t, Number(r.n)])),
    twentyMessageCaseId: one.rows[0]?.id as string,
    adminUserId: admin.rows[0]?.id as string,
  };
};

export const RARE_WORDS = RARE;

/**
 * `count` words of the generator's vocabulary, chosen from `key` deterministically: what the API benchmark
 * writes reads like the generated company, so its new cases and notes, which head the recency indexes, do not
 * make a common word look rare to the next run's searches.
 */
export const benchWords = (key: number, count: number): string =>
  Array.from({ length: count }, (_, k) => {
    let h = Math.imul(key ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(k + 1, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    return WORDS[((h ^ (h >>> 13)) >>> 0) % WORDS.length] as string;
  }).join(" ");

/** A deterministic, RFC 9562-valid (version 4, variant 10) UUID from a key, as a SQL expression. */
export const benchUuid = (keySql: string): string =>
  `overlay(overlay(md5(${keySql}) placing '4' from 13) placing '8' from 17)::uuid`;
