import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { makeCase, makeDepartment, makeTeam, makeUser, type TestUser, uniq } from "../../../../test/factories";
import { SYSTEM } from "../../platform/actor";
import { createContact } from "../contacts/contacts.service";
import { createOrganization } from "../organizations/organizations.service";

let t: TestApp;
let agent: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t.app, { role: "agent" });
});
afterAll(async () => await t.close());

describe("cases API", () => {
  it("opens a case for a new contact with the caller as owner and a next step due", async () => {
    const email = `${uniq("new")}@example.org`;
    const res = await agent.call({
      method: "POST",
      url: "/api/v1/cases",
      payload: { subject: "Invoice is wrong", requester: { email, name: "Nora" }, priority: "high" },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      subject: "Invoice is wrong",
      status: "new",
      owner: { id: agent.user.id },
      requester: { name: "Nora", email },
      nextStep: "Reply to the customer",
      version: 1,
    });
    const dueInHours = (new Date(body.nextStepDueAt).getTime() - Date.now()) / 3_600_000;
    expect(dueInHours).toBeGreaterThan(3.9);
    expect(dueInHours).toBeLessThan(4.1);
    expect(res.headers.etag).toBe('"1"');
  });

  it("opens a case in its creator's team when they are in one and name none, and with no team when told so", async () => {
    const member = await makeUser(t.app, { role: "agent" });
    const team = await makeTeam(t.app, { memberIds: [member.user.id] });
    const open = async (extra: Record<string, unknown>) =>
      await member.call({
        method: "POST",
        url: "/api/v1/cases",
        payload: { subject: uniq("phone call"), requester: { email: `${uniq("c")}@customer.test` }, ...extra },
      });
    const defaulted = await open({});
    expect(defaulted.statusCode).toBe(201);
    expect(defaulted.json().team).toMatchObject({ id: team.id });
    const none = await open({ teamId: null });
    expect(none.json().team).toBeNull();

    const other = await makeTeam(t.app, { memberIds: [member.user.id] });
    const ambiguous = await open({});
    expect(ambiguous.json().team).toBeNull();
    const chosen = await open({ teamId: other.id });
    expect(chosen.json().team).toMatchObject({ id: other.id });
  });

  it("opens a case for a known contact in the contact's organization, unless told otherwise", async () => {
    const org = await createOrganization(t.app.ctx, SYSTEM, { name: uniq("Org"), domains: [], notes: "" });
    const contact = await createContact(t.app.ctx, SYSTEM, {
      name: "Olga",
      emails: [`${uniq("olga")}@example.org`],
      phones: [],
      organizationId: org.id,
      organizationManager: false,
    });
    const open = (extra: object) =>
      agent.call({
        method: "POST",
        url: "/api/v1/cases",
        payload: { subject: "Known", requester: { contactId: contact.id }, ...extra },
      });
    const theirs = await open({});
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json()).toMatchObject({ requester: { id: contact.id }, organization: { id: org.id } });
    expect((await open({ organizationId: null })).json().organization).toBeNull();
  });

  it("refuses a requester that does not exist, naming the field, and writes nothing", async () => {
    const subject = uniq("Nobody");
    const res = await agent.call({
      method: "POST",
      url: "/api/v1/cases",
      payload: { subject, requester: { contactId: "00000000-0000-4000-8000-000000000000" } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "VALIDATION_FAILED", field: "requester.contactId" });
    const { rows } = await t.app.ctx.db.execute(sql`SELECT 1 FROM cases WHERE subject = ${subject}`);
    expect(rows).toEqual([]);
  });

  it("rejects unknown keys and names the field", async () => {
    const res = await agent.call({
      method: "POST",
      url: "/api/v1/cases",
      payload: { subject: "x", requester: { email: "a@b.co" }, colour: "red" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "VALIDATION_FAILED", field: "colour" });
  });

  it("requires If-Match and refuses a stale version with 409 and the current version", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const url = `/api/v1/cases/${c.id}`;
    const missing = await agent.call({ method: "PATCH", url, payload: { priority: "high" } });
    expect(missing.statusCode).toBe(428);
    expect(missing.json().error.field).toBe("If-Match");
    const first = await agent.call({
      method: "PATCH",
      url,
      headers: { "if-match": '"1"' },
      payload: { priority: "high" },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(2);
    const stale = await agent.call({
      method: "PATCH",
      url,
      headers: { "if-match": '"1"' },
      payload: { priority: "low" },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: "VERSION_CONFLICT", currentVersion: 2 });
    const now = await agent.call({ method: "GET", url });
    expect(now.json().priority).toBe("high");
  });

  it("keeps whoever hands a case over as a follower, with the next step they leave, unless they choose not to", async () => {
    const manufacturing = await makeDepartment(t.app, "operations");
    const mira = await makeUser(t.app, { role: "employee", departmentId: manufacturing.id });
    const c = await makeCase(t.app, mira.user.id);
    const due = new Date(Date.now() + 3 * 3_600_000).toISOString();
    const handed = await mira.call({
      method: "PATCH",
      url: `/api/v1/cases/${c.id}`,
      headers: { "if-match": `"${c.version}"` },
      payload: {
        ownerId: agent.user.id,
        nextStep: "Sam: call the customer with the inspection result",
        nextStepDueAt: due,
      },
    });
    expect(handed.statusCode).toBe(200);
    expect(handed.json()).toMatchObject({ nextStep: "Sam: call the customer with the inspection result" });
    const seen = await mira.call({ method: "GET", url: `/api/v1/cases/${c.id}` });
    expect(seen.statusCode).toBe(200);
    expect(seen.json().owner.id).toBe(agent.user.id);
    expect(seen.json().followerIds).toContain(mira.user.id);

    const other = await makeCase(t.app, mira.user.id);
    const letGo = await mira.call({
      method: "PATCH",
      url: `/api/v1/cases/${other.id}`,
      headers: { "if-match": `"${other.version}"` },
      payload: { ownerId: agent.user.id, keepFollowing: false },
    });
    expect(letGo.statusCode).toBe(200);
    const now = await agent.call({ method: "GET", url: `/api/v1/cases/${other.id}` });
    expect(now.json().followerIds).not.toContain(mira.user.id);
    expect((await mira.call({ method: "GET", url: `/api/v1/cases/${other.id}` })).statusCode).toBe(404);
  });

  it("tells what changed, by whom, with names: owner, team, priority and next step", async () => {
    const colleague = await makeUser(t.app, { role: "agent", name: uniq("Sam Colleague") });
    const team = await makeTeam(t.app, { memberIds: [agent.user.id] });
    const c = await makeCase(t.app, agent.user.id);
    const res = await agent.call({
      method: "PATCH",
      url: `/api/v1/cases/${c.id}`,
      headers: { "if-match": `"${c.version}"` },
      payload: { ownerId: colleague.user.id, teamId: team.id, priority: "urgent", nextStep: "Sam calls back" },
    });
    expect(res.statusCode).toBe(200);
    const history = await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/history` });
    expect(history.statusCode).toBe(200);
    const changes = history
      .json()
      .items.flatMap((i: { by: { name: string }; changes: object[] }) =>
        i.changes.map((ch) => ({ ...ch, by: i.by.name })),
      );
    expect(changes).toEqual(
      expect.arrayContaining([
        { field: "ownerId", from: agent.user.name, to: colleague.user.name, by: agent.user.name },
        { field: "teamId", from: null, to: team.name, by: agent.user.name },
        { field: "priority", from: "normal", to: "urgent", by: agent.user.name },
        { field: "nextStep", from: c.nextStep, to: "Sam calls back", by: agent.user.name },
      ]),
    );
    const outsider = await makeUser(t.app, { role: "employee", departmentId: (await makeDepartment(t.app)).id });
    expect((await outsider.call({ method: "GET", url: `/api/v1/cases/${c.id}/history` })).statusCode).toBe(404);
  });

  it("refuses keepFollowing on an edit that does not change the owner, naming the field", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const res = await agent.call({
      method: "PATCH",
      url: `/api/v1/cases/${c.id}`,
      headers: { "if-match": `"${c.version}"` },
      payload: { priority: "high", keepFollowing: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe("keepFollowing");
  });

  it("refuses to leave an open case without owner or next-step due time (422 naming the field)", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const url = `/api/v1/cases/${c.id}`;
    const noDue = await agent.call({
      method: "PATCH",
      url,
      headers: { "if-match": "1" },
      payload: { nextStepDueAt: null },
    });
    expect(noDue.statusCode).toBe(422);
    expect(noDue.json().error.field).toBe("nextStepDueAt");
    const noOwner = await agent.call({
      method: "PATCH",
      url,
      headers: { "if-match": "1" },
      payload: { ownerId: null },
    });
    expect(noOwner.statusCode).toBe(422);
    expect(noOwner.json().error.field).toBe("ownerId");
  });

  it("follows the status transition table and auto-schedules closing after solve", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const url = `/api/v1/cases/${c.id}`;
    const closed = await agent.call({
      method: "PATCH",
      url,
      headers: { "if-match": "1" },
      payload: { status: "closed" },
    });
    expect(closed.statusCode).toBe(422);
    expect(closed.json().error).toMatchObject({ code: "INVALID_TRANSITION", field: "status" });
    const solved = await agent.call({
      method: "PATCH",
      url,
      headers: { "if-match": "1" },
      payload: { status: "solved" },
    });
    expect(solved.statusCode).toBe(200);
    expect(solved.json().solvedAt).not.toBeNull();
    expect(solved.json().nextStep).toMatch(/closes automatically/i);
    const reopened = await agent.call({
      method: "PATCH",
      url,
      headers: { "if-match": "2" },
      payload: { status: "open" },
    });
    expect(reopened.json()).toMatchObject({ status: "open", solvedAt: null });
  });

  it("a public reply opens a new case and records the first response; notes do not", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const note = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/messages`,
      payload: { kind: "note", body: "Checked the logs" },
    });
    expect(note.statusCode).toBe(201);
    let now = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}` })).json();
    expect(now).toMatchObject({ status: "new", firstResponseAt: null });
    const reply = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/messages`,
      payload: { kind: "reply", body: "<p>Hello <script>alert(1)</script><b>there</b></p>", format: "html" },
    });
    expect(reply.statusCode).toBe(201);
    expect(reply.json().bodyHtml).toBe("<p>Hello <b>there</b></p>");
    now = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}` })).json();
    expect(now.status).toBe("open");
    expect(now.firstResponseAt).not.toBeNull();
    const thread = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/messages` })).json().items;
    expect(thread.map((m: { kind: string }) => m.kind)).toEqual(["note", "reply"]);
  });

  it("lists with filters and a stable cursor across pages", async () => {
    const tag = uniq("tag").toLowerCase();
    const ids = new Set<string>();
    for (let i = 0; i < 7; i++) ids.add((await makeCase(t.app, agent.user.id, { tags: [tag] })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await agent.call({
        method: "GET",
        url: `/api/v1/cases?tag=${tag}&limit=3&sort=-created_at${cursor ? `&cursor=${cursor}` : ""}`,
      });
      expect(res.statusCode).toBe(200);
      const page = res.json();
      seen.push(...page.items.map((c: { id: string }) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(ids);
    const count = await agent.call({ method: "GET", url: `/api/v1/cases/count?tag=${tag}` });
    expect(count.json().count).toBe(7);
    const tooBig = await agent.call({ method: "GET", url: "/api/v1/cases?limit=1000" });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().error.field).toBe("limit");
  });

  it("merges a case: messages move, the source points at the target and is closed", async () => {
    const a = await makeCase(t.app, agent.user.id, { description: { body: "first words", format: "text" } });
    const b = await makeCase(t.app, agent.user.id);
    const res = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${a.id}/merge`,
      payload: { targetCaseId: b.id },
    });
    expect(res.statusCode).toBe(200);
    const source = (await agent.call({ method: "GET", url: `/api/v1/cases/${a.id}` })).json();
    expect(source).toMatchObject({ status: "closed", mergedIntoId: b.id });
    const target = (await agent.call({ method: "GET", url: `/api/v1/cases/${b.id}` })).json();
    expect(target.mergedCaseIds).toEqual([a.id]);
    const thread = (await agent.call({ method: "GET", url: `/api/v1/cases/${b.id}/messages` })).json().items;
    expect(thread.map((m: { bodyText: string }) => m.bodyText)).toContain("first words");
  });

  it("finds cases by words in messages, with highlighted snippets", async () => {
    const word = `zebra${uniq("").replace(/-/g, "")}`;
    const c = await makeCase(t.app, agent.user.id, {
      description: { body: `The ${word} printer jammed`, format: "text" },
    });
    const res = await agent.call({ method: "GET", url: `/api/v1/search?q=${word}` });
    expect(res.statusCode).toBe(200);
    const [hit] = res.json().items;
    expect(hit.caseId).toBe(c.id);
    expect(hit.snippetHtml).toContain(`<mark>${word}</mark>`);
  });
  it("finds a phrase only where its words stand together, also when it is in more messages than it ranks", async () => {
    const [first, second] = [`quokka${uniq("").replace(/-/g, "")}`, `tapir${uniq("").replace(/-/g, "")}`];
    const old = await makeCase(t.app, agent.user.id);
    await t.app.ctx.db.execute(sql`
      INSERT INTO messages (case_id, kind, author_user_id, body_text, created_at)
      SELECT ${old.id}, 'note', ${agent.user.id}, ${`An old note: the ${first} ${second} again`},
             now() - interval '30 days' - n * interval '1 minute'
      FROM generate_series(1, 2100) n`);
    const apart = await makeCase(t.app, agent.user.id, {
      description: { body: `The ${second} came before the ${first}`, format: "text" },
    });
    const together = await makeCase(t.app, agent.user.id, {
      description: { body: `Today the ${first} ${second} stopped`, format: "text" },
    });
    const found = async (q: string): Promise<string[]> =>
      (await agent.call({ method: "GET", url: `/api/v1/search?q=${encodeURIComponent(q)}` }))
        .json()
        .items.map((hit: { caseId: string }) => hit.caseId);
    const phrase = await found(`"${first} ${second}"`);
    expect(phrase).toEqual(expect.arrayContaining([together.id, old.id]));
    expect(phrase).not.toContain(apart.id);
    expect(await found(`${first} ${second}`)).toContain(apart.id);
    for (const q of ['"', '""', `"${first}`, '" & | ! <-> "']) {
      const odd = await agent.call({ method: "GET", url: `/api/v1/search?q=${encodeURIComponent(q)}` });
      expect(odd.statusCode).toBe(200);
    }
  });

  it("ranks the most recent matches of a word found in more messages than it ranks, the same on every call", async () => {
    const word = `walrus${uniq("").replace(/-/g, "")}`;
    const old = await makeCase(t.app, agent.user.id);
    await t.app.ctx.db.execute(sql`
      INSERT INTO messages (case_id, kind, author_user_id, body_text, created_at)
      SELECT ${old.id}, 'note', ${agent.user.id}, ${`An old note about the ${word}`},
             now() - interval '30 days' - n * interval '1 minute'
      FROM generate_series(1, 2100) n`);
    const recent = await makeCase(t.app, agent.user.id, {
      description: { body: `A ${word} arrived today`, format: "text" },
    });
    const found = async (): Promise<string[]> =>
      (await agent.call({ method: "GET", url: `/api/v1/search?q=${word}` }))
        .json()
        .items.map((hit: { caseId: string }) => hit.caseId);
    const first = await found();
    expect(first).toEqual(expect.arrayContaining([recent.id, old.id]));
    expect(await found()).toEqual(first);
  });
});
