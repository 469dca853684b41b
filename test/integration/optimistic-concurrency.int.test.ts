import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../app";
import { makeUser, type TestUser, uniq } from "../factories";

/**
 * Every editable object takes If-Match like cases do: of ten people saving the same version at once, exactly one
 * is saved and nine are told that it changed (409 with the version it has now); nothing is silently overwritten.
 */

let t: TestApp;
let admin: TestUser;
let supervisor: TestUser;
let agent: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  [admin, supervisor, agent] = await Promise.all([
    makeUser(t.app, { role: "admin" }),
    makeUser(t.app, { role: "supervisor" }),
    makeUser(t.app, { role: "agent" }),
  ]);
});
afterAll(async () => await t.close());

interface Made {
  /** Where it is edited (PATCH) and, unless `readUrl` says otherwise, read (GET). */
  url: string;
  version: number;
}

interface Editable {
  name: string;
  editor: () => TestUser;
  make: () => Promise<Made>;
  /** The i-th concurrent editor's change; each one different, so the stored value names the winner. */
  edit: (i: number, made: Made) => Record<string, unknown>;
  /** What the stored object says about the edited field. */
  stored: (made: Made) => Promise<unknown>;
  /** The value edit(i) stores. */
  expected: (i: number, made: Made) => unknown;
}

const post = async (who: TestUser, url: string, payload: Record<string, unknown>): Promise<Made & { id: string }> => {
  const res = await who.call({ method: "POST", url, payload });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json() as { id: string; version: number };
  return { id: body.id, url: `${url}/${body.id}`, version: body.version };
};

const read = async (who: TestUser, url: string) => {
  const res = await who.call({ method: "GET", url });
  expect(res.statusCode, res.body).toBe(200);
  return res;
};

const kbCategory = async () => await post(supervisor, "/api/v1/kb/categories", { name: uniq("Billing") });
const calendar = async () =>
  await post(admin, "/api/v1/sla/calendars", { name: uniq("cal"), timeZone: "Europe/Berlin", alwaysOpen: true });

/** The object with this id in a list answer (`{ items: [...] }`). */
const listed = async (who: TestUser, listUrl: string, made: Made) => {
  const items = (await read(who, listUrl)).json().items as ({ id: string } & Record<string, unknown>)[];
  return items.find((item) => made.url.endsWith(item.id));
};

const EDITABLES: Editable[] = [
  {
    name: "contact",
    editor: () => agent,
    make: async () => await post(agent, "/api/v1/contacts", { name: "Pat", emails: [`${uniq()}@c.test`] }),
    edit: (i) => ({ name: `Pat ${i}` }),
    stored: async (m) => (await read(agent, m.url)).json().name,
    expected: (i) => `Pat ${i}`,
  },
  {
    name: "organization",
    editor: () => agent,
    make: async () => await post(agent, "/api/v1/organizations", { name: uniq("Org") }),
    edit: (i) => ({ notes: `Account note ${i}` }),
    stored: async (m) => (await read(agent, m.url)).json().notes,
    expected: (i) => `Account note ${i}`,
  },
  {
    name: "help-center article",
    editor: () => agent,
    make: async () =>
      await post(agent, "/api/v1/kb/articles", {
        categoryId: (await kbCategory()).id,
        title: "Reset your password",
        bodyHtml: "<p>Click the link.</p>",
      }),
    edit: (i) => ({ title: `Reset your password, take ${i}` }),
    stored: async (m) => (await read(agent, m.url)).json().draft.title,
    expected: (i) => `Reset your password, take ${i}`,
  },
  {
    name: "help-center category",
    editor: () => supervisor,
    make: kbCategory,
    edit: (i) => ({ description: `Invoices and refunds ${i}` }),
    stored: async (m) => {
      const items = (await read(supervisor, "/api/v1/kb/categories")).json().items as {
        id: string;
        description: string;
      }[];
      return items.find((c) => m.url.endsWith(c.id))?.description;
    },
    expected: (i) => `Invoices and refunds ${i}`,
  },
  {
    name: "SLA calendar",
    editor: () => admin,
    make: calendar,
    edit: (i, m) => ({ name: `Office ${i} ${m.url.slice(-12)}` }),
    stored: async (m) => (await read(admin, m.url)).json().name,
    expected: (i, m) => `Office ${i} ${m.url.slice(-12)}`,
  },
  {
    name: "SLA policy",
    editor: () => admin,
    make: async () =>
      await post(admin, "/api/v1/sla/policies", {
        name: uniq("policy"),
        active: false,
        calendarId: (await calendar()).id,
        targets: { resolution: { normal: 480 } },
      }),
    edit: (i) => ({ targets: { resolution: { normal: 100 + i } } }),
    stored: async (m) => (await read(admin, m.url)).json().targets.resolution.normal,
    expected: (i) => 100 + i,
  },
  {
    name: "department",
    editor: () => admin,
    make: async () => await post(admin, "/api/v1/departments", { name: uniq("dept") }),
    edit: (i) => ({ hourlyCostMinor: 1000 + i }),
    stored: async (m) => (await listed(admin, "/api/v1/departments", m))?.hourlyCostMinor,
    expected: (i) => 1000 + i,
  },
  {
    name: "team",
    editor: () => supervisor,
    make: async () => await post(supervisor, "/api/v1/teams", { name: uniq("team") }),
    edit: (i, m) => ({ name: `Team ${i} ${m.url.slice(-12)}` }),
    stored: async (m) => (await listed(supervisor, "/api/v1/teams", m))?.name,
    expected: (i, m) => `Team ${i} ${m.url.slice(-12)}`,
  },
  {
    name: "custom field",
    editor: () => admin,
    make: async () =>
      await post(admin, "/api/v1/custom-fields", {
        key: `f_${uniq("").replace(/-/g, "")}`,
        label: "Serial",
        type: "text",
      }),
    edit: (i) => ({ label: `Serial number ${i}` }),
    stored: async (m) => (await listed(admin, "/api/v1/custom-fields", m))?.label,
    expected: (i) => `Serial number ${i}`,
  },
  {
    name: "authority limit",
    editor: () => admin,
    make: async () =>
      await post(admin, "/api/v1/authority-limits", {
        userId: (await makeUser(t.app, { role: "agent" })).user.id,
        perRemedyMinor: 5000,
        per30DaysMinor: 20_000,
      }),
    edit: (i) => ({ perRemedyMinor: 100 + i }),
    stored: async (m) => (await listed(admin, "/api/v1/authority-limits", m))?.perRemedyMinor,
    expected: (i) => 100 + i,
  },
  {
    name: "root cause category",
    editor: () => admin,
    make: async () => await post(admin, "/api/v1/root-cause-categories", { name: uniq("Packaging") }),
    edit: (i) => ({ description: `Boxes crushed in transit ${i}` }),
    stored: async (m) => (await listed(admin, "/api/v1/root-cause-categories", m))?.description,
    expected: (i) => `Boxes crushed in transit ${i}`,
  },
];

describe.each(EDITABLES)("$name", (e) => {
  it("of 10 concurrent edits of one version, exactly one is saved and nine get 409 naming the new version", async () => {
    const made = await e.make();
    const editor = e.editor();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        editor.call({
          method: "PATCH",
          url: made.url,
          headers: { "if-match": `"${made.version}"` },
          payload: e.edit(i, made),
        }),
      ),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(
      statuses.filter((s) => s === 200),
      statuses.join(","),
    ).toHaveLength(1);
    expect(
      statuses.filter((s) => s === 409),
      statuses.join(","),
    ).toHaveLength(9);
    const winner = statuses.indexOf(200);
    const saved = answers[winner];
    expect(saved?.json().version).toBe(made.version + 1);
    expect(saved?.headers.etag).toBe(`"${made.version + 1}"`);
    for (const lost of answers.filter((a) => a.statusCode === 409)) {
      expect(lost.json().error).toMatchObject({
        code: "VERSION_CONFLICT",
        field: "If-Match",
        currentVersion: made.version + 1,
      });
    }
    expect(await e.stored(made)).toEqual(e.expected(winner, made));
  });

  it("refuses an edit without If-Match (428) or with a stale one (409), and saves one with the current version", async () => {
    const made = await e.make();
    const editor = e.editor();
    const missing = await editor.call({ method: "PATCH", url: made.url, payload: e.edit(1, made) });
    expect(missing.statusCode).toBe(428);
    expect(missing.json().error).toMatchObject({ code: "PRECONDITION_REQUIRED", field: "If-Match" });
    const malformed = await editor.call({
      method: "PATCH",
      url: made.url,
      headers: { "if-match": "yesterday" },
      payload: e.edit(1, made),
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.field).toBe("If-Match");

    const first = await editor.call({
      method: "PATCH",
      url: made.url,
      headers: { "if-match": `"${made.version}"` },
      payload: e.edit(2, made),
    });
    expect(first.statusCode, first.body).toBe(200);
    const stale = await editor.call({
      method: "PATCH",
      url: made.url,
      headers: { "if-match": `"${made.version}"` },
      payload: e.edit(3, made),
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.currentVersion).toBe(made.version + 1);
    expect(await e.stored(made)).toEqual(e.expected(2, made));

    const weak = await editor.call({
      method: "PATCH",
      url: made.url,
      headers: { "if-match": `W/"${made.version + 1}"` },
      payload: e.edit(4, made),
    });
    expect(weak.statusCode, weak.body).toBe(200);
    expect(await e.stored(made)).toEqual(e.expected(4, made));
  });
});

describe("reading", () => {
  it("answers the version as the ETag of a single object", async () => {
    const made = await post(agent, "/api/v1/contacts", { name: "Robin", emails: [`${uniq()}@c.test`] });
    const res = await read(agent, made.url);
    expect(res.headers.etag).toBe(`"${made.version}"`);
    expect(res.json().version).toBe(made.version);
  });
});
