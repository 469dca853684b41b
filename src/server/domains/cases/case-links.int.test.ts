import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { makeCase, makeDepartment, makeUser, type TestUser } from "../../../../test/factories";

let t: TestApp;
let agent: TestUser;
let sales: TestUser;
let finance: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t.app, { role: "agent" });
  sales = await makeUser(t.app, { role: "employee", departmentId: (await makeDepartment(t.app, "operations")).id });
  finance = await makeUser(t.app, { role: "employee", departmentId: (await makeDepartment(t.app, "operations")).id });
});
afterAll(async () => await t.close());

type Link = { direction: string; otherCase: Record<string, unknown> };

describe("linked cases", () => {
  it("show a case the reader may not open as its number only, both ways", async () => {
    const salesCase = await makeCase(t.app, sales.user.id, { subject: "Quote for 40 pallets" });
    const financeCase = await makeCase(t.app, finance.user.id, {
      subject: "Dispute: invoice 7731 for ACME (confidential)",
    });
    const linked = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${salesCase.id}/links`,
      payload: { otherCaseId: financeCase.id, kind: "related" },
    });
    expect(linked.statusCode).toBe(201);

    const asSales = await sales.call({ method: "GET", url: `/api/v1/cases/${salesCase.id}` });
    expect(asSales.statusCode).toBe(200);
    const [outgoing] = asSales.json().links as Link[];
    expect(outgoing).toMatchObject({ direction: "outgoing" });
    expect(outgoing?.otherCase).toEqual({ readable: false, number: financeCase.number });
    expect(asSales.body).not.toContain("confidential");
    expect(asSales.body).not.toContain(financeCase.id);

    const asFinance = await finance.call({ method: "GET", url: `/api/v1/cases/${financeCase.id}` });
    const [incoming] = asFinance.json().links as Link[];
    expect(incoming).toMatchObject({ direction: "incoming" });
    expect(incoming?.otherCase).toEqual({ readable: false, number: salesCase.number });
    expect(asFinance.body).not.toContain("pallets");

    const asAgent = await agent.call({ method: "GET", url: `/api/v1/cases/${salesCase.id}` });
    expect((asAgent.json().links as Link[])[0]?.otherCase).toEqual({
      readable: true,
      id: financeCase.id,
      number: financeCase.number,
      subject: financeCase.subject,
      status: "new",
    });
  });
});
