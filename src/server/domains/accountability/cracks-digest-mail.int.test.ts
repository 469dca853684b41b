import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIsolatedTestApp, type TestApp } from "../../../../test/app";
import { makeCase, makeDepartment, makeTeam, makeUser, type TestUser } from "../../../../test/factories";
import { outboundMailTo, type SmtpSink, startSmtpSink } from "../../../../test/mail";
import { settle } from "../../../../test/settle";
import { SYSTEM } from "../../platform/actor";
import { deliverOutbound, dueOutbound } from "../email/outbound.service";
import { updateUser } from "../users/users.service";
import { buildDigestForUser } from "./accountability.service";

let t: TestApp;
let sink: SmtpSink;
let supervisor: TestUser;
let overdueNumber = 0;
const HOUR = 3_600_000;

/** Zone where it is now early afternoon, so the digest hour (07:00 local) has passed. */
const zoneWhereItIsAfternoon = (): string => {
  const offset = 14 - new Date().getUTCHours();
  return offset === 0 ? "Etc/GMT" : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
};

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startIsolatedTestApp({
    ...outboundMailTo(sink.port, "digests@desk.example"),
  });
  const department = await makeDepartment(t.app, "service");
  supervisor = await makeUser(t.app, { role: "supervisor", departmentId: department.id });
  const agent = await makeUser(t.app, { role: "agent", departmentId: department.id });
  const team = await makeTeam(t.app, { departmentId: department.id, memberIds: [agent.user.id] });
  const overdue = await makeCase(t.app, agent.user.id, {
    teamId: team.id,
    nextStepDueAt: new Date(Date.now() - HOUR),
  });
  overdueNumber = overdue.number;
  await settle(t.app, [overdue.id]);
  await updateUser(t.app.ctx, SYSTEM, supervisor.user.id, { timeZone: zoneWhereItIsAfternoon() });
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

describe("daily cracks digest by email", () => {
  it("queues the digest as a system mail with the day's build and delivers it to the supervisor once", async () => {
    expect(await buildDigestForUser(t.app.ctx, supervisor.user.id)).toBe(true);
    expect(await buildDigestForUser(t.app.ctx, supervisor.user.id)).toBe(false);

    const queued = await t.app.ctx.db.execute<{ purpose: string; to: string[]; status: string }>(
      sql`SELECT purpose, "to", status FROM outbound_messages WHERE purpose = 'cracks_digest' AND ${supervisor.user.email} = ANY("to")`,
    );
    expect(queued.rows).toHaveLength(1);

    for (const id of await dueOutbound(t.app.ctx, 100)) await deliverOutbound(t.app.ctx, id);
    const mails = sink.received.filter((m) => m.envelope.to.includes(supervisor.user.email));
    expect(mails).toHaveLength(1);
    /* The envelope sender is the digest address tagged (VERP) with the mail it sends, so a bounce finds it. */
    expect(mails[0]?.envelope.from).toMatch(/^digests\+bounce-[a-z0-9]+@desk\.example$/);
    expect(mails[0]?.parsed.from?.text).toContain("digests@desk.example");
    expect(mails[0]?.parsed.subject).toMatch(/^Cracks digest \d{4}-\d{2}-\d{2}: \d+ item\(s\)$/);
    expect(mails[0]?.parsed.text).toContain(`#${overdueNumber}`);
    expect(mails[0]?.parsed.text).toContain("Overdue next steps");
    expect(mails[0]?.parsed.headers.get("auto-submitted")).toBe("auto-generated");

    const digests = (await supervisor.call({ method: "GET", url: "/api/v1/cracks/digests" })).json().items;
    expect(digests).toHaveLength(1);
    expect(digests[0].sentAt).not.toBeNull();
  });
});
