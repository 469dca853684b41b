import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIsolatedTestApp, type TestApp } from "../app";
import { makeCase, makeUser, type TestUser, uniq } from "../factories";

/** Required custom fields apply to every case, so this runs on a database of its own. */
let t: TestApp;
let admin: TestUser;
let agent: TestUser;

beforeAll(async () => {
  t = await startIsolatedTestApp();
  admin = await makeUser(t.app, { role: "admin" });
  agent = await makeUser(t.app, { role: "agent" });
});
afterAll(async () => await t.close());

describe("custom fields", () => {
  it("are validated on write and required ones enforced on solve", async () => {
    const key = `serial_${uniq("").replace(/-/g, "")}`;
    const model = `model_${uniq("").replace(/-/g, "")}`;
    await admin.call({
      method: "POST",
      url: "/api/v1/custom-fields",
      payload: { key, label: "Serial", type: "number", required: true },
    });
    await admin.call({
      method: "POST",
      url: "/api/v1/custom-fields",
      payload: { key: model, label: "Model", type: "select", options: ["A1", "B2"] },
    });
    const c = await makeCase(t.app, agent.user.id);
    const url = `/api/v1/cases/${c.id}`;
    const wrongType = await agent.call({
      method: "PATCH",
      url,
      headers: { "if-match": "1" },
      payload: { customFields: { [key]: "abc" } },
    });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.field).toBe(`customFields.${key}`);
    const badOption = await agent.call({
      method: "PATCH",
      url,
      headers: { "if-match": "1" },
      payload: { customFields: { [model]: "Z9" } },
    });
    expect(badOption.json().error.field).toBe(`customFields.${model}`);
    const unknown = await agent.call({
      method: "PATCH",
      url,
      headers: { "if-match": "1" },
      payload: { customFields: { nope: 1 } },
    });
    expect(unknown.json().error.field).toBe("customFields.nope");
    const solveWithout = await agent.call({
      method: "PATCH",
      url,
      headers: { "if-match": "1" },
      payload: { status: "solved" },
    });
    expect(solveWithout.statusCode).toBe(400);
    expect(solveWithout.json().error.field).toBe(`customFields.${key}`);
    const ok = await agent.call({
      method: "PATCH",
      url,
      headers: { "if-match": "1" },
      payload: { status: "solved", customFields: { [key]: 42, [model]: "B2" } },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().customFields).toMatchObject({ [key]: 42, [model]: "B2" });
  });
});
