import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeDepartment, makeUser, type TestUser, uniq } from "../factories";

let t: TestApp;
let admin: TestUser;
let agent: TestUser;

beforeAll(async () => {
  t = await startTestApp({ maxAttachmentBytes: 64 * 1024 });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  admin = await makeUser(t.app, { role: "admin" });
  agent = await makeUser(t.app, { role: "agent" });
});
afterAll(async () => await t.close());

const multipart = (filename: string, contentType: string, body: Buffer | string) => {
  const boundary = `----x${uniq()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  return {
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      head,
      Buffer.isBuffer(body) ? body : Buffer.from(body),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
};

describe("attachments", () => {
  it("upload, attach to a reply, download as an attachment with nosniff; active types served as bytes", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const up = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/attachments`,
      ...multipart("../../etc/\u202Epasswd.html", "text/html", "<script>alert(1)</script>"),
    });
    expect(up.statusCode).toBe(201);
    const attachment = up.json();
    expect(attachment.filename).toBe("passwd.html");
    const reply = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/messages`,
      payload: { kind: "reply", body: "see attached", attachmentIds: [attachment.id] },
    });
    expect(reply.json().attachments.map((a: { id: string }) => a.id)).toEqual([attachment.id]);
    const down = await agent.call({ method: "GET", url: `/api/v1/attachments/${attachment.id}` });
    expect(down.statusCode).toBe(200);
    expect(down.headers["content-disposition"]).toMatch(/^attachment;/);
    expect(down.headers["x-content-type-options"]).toBe("nosniff");
    expect(down.headers["content-type"]).toBe("application/octet-stream");
    expect(down.body).toBe("<script>alert(1)</script>");
  });

  it("answers a new message exactly as the thread then shows it, files and author included", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const upload = async (name: string) =>
      (
        await agent.call({
          method: "POST",
          url: `/api/v1/cases/${c.id}/attachments`,
          ...multipart(name, "text/plain", name),
        })
      ).json() as { id: string };
    const second = await upload("second.txt");
    const first = await upload("first.txt");
    const res = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/messages`,
      payload: {
        kind: "reply",
        body: "<p>Both <b>files</b></p>",
        format: "html",
        attachmentIds: [first.id, second.id],
      },
    });
    expect(res.statusCode).toBe(201);
    const thread = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/messages` })).json().items as {
      id: string;
    }[];
    expect(res.json()).toEqual(thread.find((m) => m.id === res.json().id));
    expect(res.json()).toMatchObject({
      author: { type: "user", id: agent.user.id, name: agent.user.name },
      attachments: [{ id: second.id }, { id: first.id }],
    });
  });

  it("refuses files over the configured limit with 413 and stores nothing", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const res = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/attachments`,
      ...multipart("big.bin", "application/octet-stream", Buffer.alloc(65 * 1024, 1)),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("an attachment uploaded by someone else cannot be sent by me", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const up = (
      await admin.call({
        method: "POST",
        url: `/api/v1/cases/${c.id}/attachments`,
        ...multipart("a.txt", "text/plain", "x"),
      })
    ).json();
    const res = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/messages`,
      payload: { kind: "note", body: "x", attachmentIds: [up.id] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe("attachmentIds");
  });
});

describe("saved views", () => {
  it("lists built-in views first, keeps personal views private and lets only managers share", async () => {
    const mine = await agent.call({
      method: "POST",
      url: "/api/v1/views",
      payload: { name: "Urgent", filters: { priority: ["urgent"] } },
    });
    expect(mine.statusCode).toBe(201);
    const shareAttempt = await agent.call({
      method: "POST",
      url: "/api/v1/views",
      payload: { name: "All urgent", shared: true },
    });
    expect(shareAttempt.statusCode).toBe(403);
    expect(shareAttempt.json().error.field).toBe("shared");
    const list = (await agent.call({ method: "GET", url: "/api/v1/views" })).json().items;
    expect(list[0]).toMatchObject({ name: "My open cases", builtIn: true });
    expect(list.some((v: { id: string }) => v.id === mine.json().id)).toBe(true);
    const others = (await admin.call({ method: "GET", url: "/api/v1/views" })).json().items;
    expect(others.some((v: { id: string }) => v.id === mine.json().id)).toBe(false);
  });

  it("the not_me owner filter shows new cases owned by others", async () => {
    const tag = uniq("nm").toLowerCase();
    await makeCase(t.app, agent.user.id, { tags: [tag] });
    const theirs = await makeCase(t.app, admin.user.id, { tags: [tag] });
    const res = await agent.call({ method: "GET", url: `/api/v1/cases?ownerId=not_me&status=new&tag=${tag}` });
    expect(res.json().items.map((c: { id: string }) => c.id)).toEqual([theirs.id]);
  });
});

describe("visibility for employees outside customer service", () => {
  it("an employee sees their department's cases and not another department's, in lists and search", async () => {
    const ops = await makeDepartment(t.app, "operations");
    const logistics = await makeDepartment(t.app, "operations");
    const maker = await makeUser(t.app, { role: "employee", departmentId: ops.id });
    const colleague = await makeUser(t.app, { role: "employee", departmentId: ops.id });
    const stranger = await makeUser(t.app, { role: "employee", departmentId: logistics.id });
    const word = `gearbox${uniq("").replace(/-/g, "")}`;
    const c = await makeCase(t.app, maker.user.id, { subject: `Broken ${word}` });
    expect((await colleague.call({ method: "GET", url: `/api/v1/cases/${c.id}` })).statusCode).toBe(200);
    expect((await stranger.call({ method: "GET", url: `/api/v1/cases/${c.id}` })).statusCode).toBe(404);
    expect((await stranger.call({ method: "GET", url: `/api/v1/search?q=${word}` })).json().items).toEqual([]);
    expect((await colleague.call({ method: "GET", url: `/api/v1/search?q=${word}` })).json().items).toHaveLength(1);
    const strangerList = (await stranger.call({ method: "GET", url: "/api/v1/cases?limit=100" })).json().items;
    expect(strangerList.some((x: { id: string }) => x.id === c.id)).toBe(false);
  });
});

describe("realtime", () => {
  it("streams a change of a visible case to a second session, and presence of who is viewing", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const { port } = t.app.server.address() as AddressInfo;
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/stream`, {
      headers: { authorization: `Bearer ${admin.token}` },
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    const waitFor = async (needle: string) => {
      const deadline = Date.now() + 10_000;
      while (!buffer.includes(needle) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value);
      }
      return buffer.includes(needle);
    };
    await waitFor(": connected");
    await agent.call({
      method: "PATCH",
      url: `/api/v1/cases/${c.id}`,
      headers: { "if-match": "1" },
      payload: { priority: "high" },
    });
    await t.app.ctx.events.drain();
    expect(await waitFor(`"caseId":"${c.id}","type":"case.updated"`)).toBe(true);
    const presence = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/presence`,
      payload: { state: "replying" },
    });
    expect(presence.json().users).toEqual([{ id: agent.user.id, name: agent.user.name, state: "replying" }]);
    expect(await waitFor("event: presence")).toBe(true);
    controller.abort();
  });
});
