import Fastify from "fastify";
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
