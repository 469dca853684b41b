import { createHash } from "node:crypto";
import Fastify from "fastify";
import type pg from "pg";
import { connect } from "../src/server/db/connection";
import { list, search } from "../src/server/domains/cases/cases.repository";

/**
 * The floor: the cheapest server that can answer each benchmarked request — one Fastify route, the same
 * pool size, the equivalent single SQL statement, no authentication, validation, policy or presenter.
 */
const url = process.env.DATABASE_URL as string;
const port = Number(process.env.PORT);
const database = connect(url, Number(process.env.EXTRAMILE_DB_POOL_SIZE ?? 10), false);
const pool = database.pool;
const app = Fastify();

app.get("/healthz", async () => ({ ok: true }));
app.post<{ Body: { subject: string; requesterId: string; ownerId: string } }>("/floor/cases", async (req, reply) => {
  const { rows } = await pool.query(
    `INSERT INTO cases (subject, status, priority, priority_rank, type, channel, requester_id, owner_id, next_step, next_step_due_at)
     VALUES ($1, 'new', 'normal', 2, 'question', 'api', $2, $3, 'Reply to the customer', now() + interval '1 day') RETURNING *`,
    [req.body.subject, req.body.requesterId, req.body.ownerId],
  );
  return reply.status(201).send(rows[0]);
});
app.post<{ Params: { id: string }; Body: { body: string; authorId: string } }>(
  "/floor/cases/:id/messages",
  async (req, reply) => {
    const { rows } = await pool.query(
      "INSERT INTO messages (case_id, kind, author_user_id, body_text) VALUES ($1, 'note', $2, $3) RETURNING *",
      [req.params.id, req.body.authorId, req.body.body],
    );
    return reply.status(201).send(rows[0]);
  },
);
/**
 * The same work as Extramile's create and add message, hand-written with pg: the bearer token's owner, then
 * one transaction with the same statements (the case view the caller gets, the outbox event). Its events are
 * stored as dispatched, so it pays for none of the after-commit work (audit, SLA clocks, realtime).
 */
const tokenOwner = async (authorization: string | undefined) => {
  const token = authorization?.replace(/^Bearer /, "") ?? "";
  const { rows } = await pool.query(
    `SELECT u.id, u.name, u.role, u.department_id,
       ARRAY(SELECT tm.team_id FROM team_members tm WHERE tm.user_id = u.id ORDER BY tm.team_id)::text[] AS team_ids
     FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.active
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`,
    [createHash("sha256").update(token).digest("hex")],
  );
  return rows[0] as { id: string } | undefined;
};
const VIEW = `SELECT c.*, ct.name AS requester_name,
    (SELECT ce.email FROM contact_emails ce WHERE ce.contact_id = c.requester_id ORDER BY ce.position LIMIT 1) AS requester_email,
    o.name AS organization_name, tm.name AS team_name, u.name AS owner_name, u.department_id AS owner_department_id,
    EXISTS (SELECT 1 FROM case_followers cf WHERE cf.case_id = c.id AND cf.user_id = $2) AS is_follower
  FROM cases c JOIN contacts ct ON ct.id = c.requester_id LEFT JOIN organizations o ON o.id = c.organization_id
  LEFT JOIN teams tm ON tm.id = c.team_id LEFT JOIN users u ON u.id = c.owner_id WHERE c.id = $1`;
const sameWork = async <T>(
  authorization: string | undefined,
  work: (client: pg.PoolClient, userId: string) => Promise<T>,
) => {
  const owner = await tokenOwner(authorization);
  if (!owner) return null;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client, owner.id);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  } finally {
    client.release();
  }
};
const dispatchedEvent = (client: pg.PoolClient, type: string, caseId: string, actorId: string, payload: unknown) =>
  client.query(
    `INSERT INTO events (type, aggregate_type, aggregate_id, case_id, actor_id, payload, dispatched_at)
     VALUES ($1, 'case', $2::uuid, $2::uuid, $3, $4, now())`,
    [type, caseId, actorId, JSON.stringify(payload)],
  );
app.post<{ Body: { subject: string; requester: { contactId: string } } }>(
  "/floor/same-work/cases",
  async (req, reply) => {
    const view = await sameWork(req.headers.authorization, async (client, userId) => {
      const { rows } = await client.query(
        `INSERT INTO cases (subject, status, priority, priority_rank, type, channel, requester_id, organization_id, owner_id,
         next_step, next_step_due_at)
       VALUES ($1, 'new', 'normal', 2, 'question', 'api', $2::uuid,
         (SELECT organization_id FROM contacts WHERE id = $2::uuid), $3, 'Reply to the customer', now() + interval '1 day')
       RETURNING *`,
        [req.body.subject, req.body.requester.contactId, userId],
      );
      await dispatchedEvent(client, "case.created", rows[0].id, userId, { before: null, after: rows[0] });
      return (await client.query(VIEW, [rows[0].id, userId])).rows[0];
    });
    return view ? reply.status(201).send(view) : reply.status(401).send({ error: "token" });
  },
);
app.post<{ Params: { id: string }; Body: { kind: string; body: string } }>(
  "/floor/same-work/cases/:id/messages",
  async (req, reply) => {
    const message = await sameWork(req.headers.authorization, async (client, userId) => {
      await client.query(`${VIEW} FOR UPDATE OF c`, [req.params.id, userId]);
      const { rows } = await client.query(
        "INSERT INTO messages (case_id, kind, author_user_id, body_text) VALUES ($1, $2, $3, $4) RETURNING id, case_id, kind, created_at",
        [req.params.id, req.body.kind, userId, req.body.body],
      );
      await dispatchedEvent(client, "message.added", req.params.id, userId, { messageId: rows[0].id });
      await client.query("UPDATE cases SET updated_at = now() WHERE id = $1", [req.params.id]);
      return rows[0];
    });
    return message ? reply.status(201).send(message) : reply.status(401).send({ error: "token" });
  },
);
app.get<{ Params: { id: string } }>(
  "/floor/cases/:id",
  async (req) => (await pool.query("SELECT * FROM cases WHERE id = $1", [req.params.id])).rows[0],
);
app.get<{ Params: { id: string } }>("/floor/cases/:id/messages", async (req) => ({
  items: (await pool.query("SELECT * FROM messages WHERE case_id = $1 ORDER BY created_at, id", [req.params.id])).rows,
}));
app.get<{ Querystring: { cursor?: string } }>("/floor/list", async (req) => {
  const after = req.query.cursor
    ? (JSON.parse(Buffer.from(req.query.cursor, "base64url").toString()) as { v: string; id: string })
    : null;
  return {
    items: await list(database.db, null, { all: true }, { status: ["open", "pending"] }, "-updated_at", after, 51),
  };
});
app.get<{ Querystring: { q: string } }>("/floor/search", async (req) => ({
  items: await search(database.db, { all: true }, req.query.q, 20),
}));

await app.listen({ port, host: "127.0.0.1" });
