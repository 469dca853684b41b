import { sql } from "drizzle-orm";
import type { RemedyKind } from "../../shared/contracts/remedies";
import type { CasePriority, CaseStatus, CaseType } from "../../shared/domain";
import {
  correctCaseCost,
  createRootCauseCategory,
  recomputeCaseCost,
  recordRootCause,
} from "../domains/accountability/root-causes.service";
import {
  createCorrectiveAction,
  generateUpstreamReports,
  updateCorrectiveAction,
} from "../domains/accountability/upstream.service";
import { openCase, updateCase } from "../domains/cases/cases.service";
import { createContact } from "../domains/contacts/contacts.service";
import { createDepartment, updateDepartment } from "../domains/departments/departments.service";
import {
  delegateExecutiveCase,
  fileFeedbackReport,
  getExecutiveCase,
  openExecutiveCase,
  recordVerificationCall,
} from "../domains/executive/executive.service";
import { addMessage } from "../domains/messages/messages.service";
import { createOrganization } from "../domains/organizations/organizations.service";
import { createAuthorityLimit, grantRemedy, listReviewQueue, reviewRemedy } from "../domains/remedies/remedies.service";
import { createTeam } from "../domains/teams/teams.service";
import { createUser, loadActor } from "../domains/users/users.service";
import { type Actor, SYSTEM } from "../platform/actor";
import { inTransaction, type ServiceContext } from "../platform/context";
import { AppError } from "../platform/errors";
import { seedSlaPicture, seedSlaPolicies } from "./sla-demo";

export const DEMO_PASSWORD = "extramile-demo";

/** Deterministic pseudo-random numbers (mulberry32), so every demo install looks the same. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

const EMPLOYEES = [
  { key: "dana", name: "Dana Fischer", role: "supervisor", dept: "service" },
  { key: "sam", name: "Sam Okafor", role: "agent", dept: "service" },
  { key: "lee", name: "Lee Chen", role: "agent", dept: "service" },
  { key: "mira", name: "Mira Novak", role: "employee", dept: "manufacturing" },
  { key: "tomas", name: "Tomás Ruiz", role: "employee", dept: "logistics" },
  { key: "alex", name: "Alex Morgan", role: "executive", dept: null },
] as const;

const ORGANIZATIONS = [
  { name: "Northwind Traders", domain: "northwind.test" },
  { name: "Contoso Health", domain: "contoso.test" },
  { name: "Globex Manufacturing", domain: "globex.test" },
  { name: "Initech", domain: "initech.test" },
  { name: "Umbrella Retail", domain: "umbrella.test" },
];

const FIRST = [
  "Ana",
  "Ben",
  "Chloé",
  "David",
  "Eva",
  "Farid",
  "Grace",
  "Hiro",
  "Ines",
  "Jonas",
  "Kemal",
  "Lina",
  "Marta",
  "Nils",
  "Olga",
  "Priya",
];
const LAST = [
  "Schmidt",
  "Rossi",
  "Kowalski",
  "Dubois",
  "Silva",
  "Jensen",
  "Novak",
  "Tanaka",
  "García",
  "Müller",
  "Okoye",
  "Larsen",
];

const TOPICS: { type: CaseType; subject: string; body: string; tags: string[] }[] = [
  {
    type: "incident",
    subject: "Conveyor belt stops after 20 minutes",
    body: "Our line 3 conveyor stops every 20 minutes with error E42. Production is halted each time.",
    tags: ["conveyor", "e42"],
  },
  {
    type: "complaint",
    subject: "Delivery arrived damaged",
    body: "The pallet arrived with two crushed boxes. This is the second time this month.",
    tags: ["delivery", "damage"],
  },
  {
    type: "question",
    subject: "How do I export last quarter's invoices?",
    body: "Where can I download all invoices from July to September as a single file?",
    tags: ["billing"],
  },
  {
    type: "request",
    subject: "Add two users to our account",
    body: "Please add our new planners to the portal so they can follow orders.",
    tags: ["account"],
  },
  {
    type: "problem",
    subject: "Replacement parts wear out early",
    body: "The rollers we received in spring already show heavy wear. Is there a known batch issue?",
    tags: ["parts", "quality"],
  },
  {
    type: "complaint",
    subject: "Invoice charged twice",
    body: "We were charged twice for order 88213. Please refund the duplicate.",
    tags: ["billing", "refund"],
  },
  {
    type: "incident",
    subject: "Sensor reports wrong temperature",
    body: "The cooling unit sensor shows 40°C while the room thermometer says 21°C.",
    tags: ["sensor"],
  },
  {
    type: "question",
    subject: "Maintenance interval for model B2",
    body: "How often should the B2 gearbox be serviced under two-shift operation?",
    tags: ["maintenance"],
  },
  {
    type: "task",
    subject: "Schedule on-site training",
    body: "We would like on-site training for the new operators in the first week of next month.",
    tags: ["training"],
  },
  {
    type: "complaint",
    subject: "Technician missed the appointment",
    body: "Nobody came on Tuesday although the visit was confirmed. We kept the line idle for it.",
    tags: ["field-service"],
  },
];

const REPLIES = [
  "Thank you for reporting this. I have asked our engineers to look at the logs you sent.",
  "Sorry for the trouble. I am arranging a replacement and will confirm the shipping date today.",
  "Here is how to do it: open Orders → Invoices, choose the period and click Export.",
  "I have checked with Manufacturing; the batch in question is being inspected.",
  "We have scheduled a technician for Thursday morning. I will call you once the time is fixed.",
];

const NOTES = [
  "Manufacturing confirms: batch 2026-14 had an out-of-spec hardening step.",
  "Customer is a key account — keep the account owner in the loop.",
  "Logistics says the carrier changed the pallet wrapping in October.",
];

const STATUS_PLAN: [CaseStatus, number][] = [
  ["new", 30],
  ["open", 70],
  ["pending", 40],
  ["on_hold", 20],
  ["solved", 60],
  ["closed", 80],
];

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;

/** Loads a realistic demo company through the same services the API uses (so events and audit are real). */
export const seedDemo = async (ctx: ServiceContext): Promise<string> => {
  const existing = await ctx.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM cases`);
  if ((existing.rows[0]?.n ?? 0) > 0) throw new Error("seed-demo needs an installation without cases");
  const r = rng(20_261_124);

  const service = await createDepartment(ctx, SYSTEM, {
    name: "Customer Service",
    kind: "service",
    hourlyCostMinor: 5500,
    currency: "EUR",
  });
  const manufacturing = await createDepartment(ctx, SYSTEM, {
    name: "Manufacturing",
    kind: "operations",
    hourlyCostMinor: 7200,
    currency: "EUR",
  });
  const logistics = await createDepartment(ctx, SYSTEM, {
    name: "Logistics",
    kind: "operations",
    hourlyCostMinor: 4800,
    currency: "EUR",
  });
  const deptId = { service: service.id, manufacturing: manufacturing.id, logistics: logistics.id } as const;

  const actors = new Map<string, Actor>();
  for (const e of EMPLOYEES) {
    const user = await createUser(ctx, SYSTEM, {
      email: `${e.key}@demo.extramile.test`,
      name: e.name,
      role: e.role,
      departmentId: e.dept ? deptId[e.dept] : null,
      timeZone: "Europe/Berlin",
      password: DEMO_PASSWORD,
    });
    const actor = await loadActor(ctx.db, user.id, null);
    if (actor) actors.set(e.key, actor);
  }
  const who = (key: string): Actor => actors.get(key) as Actor;
  await updateDepartment(ctx, SYSTEM, service.id, service.version, { directorId: who("dana").id });
  await updateDepartment(ctx, SYSTEM, manufacturing.id, manufacturing.version, { directorId: who("mira").id });
  await updateDepartment(ctx, SYSTEM, logistics.id, logistics.version, { directorId: who("tomas").id });
  const support = await createTeam(ctx, SYSTEM, {
    name: "Support",
    departmentId: service.id,
    leadId: who("dana").id,
    memberIds: [who("sam").id, who("lee").id],
  });
  const field = await createTeam(ctx, SYSTEM, {
    name: "Field Service",
    departmentId: manufacturing.id,
    leadId: who("mira").id,
    memberIds: [who("tomas").id],
  });
  for (const key of ["dana", "sam", "lee", "mira", "tomas"])
    actors.set(key, (await loadActor(ctx.db, who(key).id, null)) as Actor);

  const contacts: { id: string; organizationId: string | null }[] = [];
  for (const [i, o] of ORGANIZATIONS.entries()) {
    const org = await createOrganization(ctx, SYSTEM, {
      name: o.name,
      domains: [o.domain],
      accountOwnerId: pick(r, [who("sam").id, who("lee").id, who("dana").id]),
      notes: i === 0 ? "Key account since 2019." : "",
    });
    for (let c = 0; c < 8; c++) {
      const first = FIRST[(i * 8 + c) % FIRST.length] as string;
      const last = LAST[(i * 5 + c * 3) % LAST.length] as string;
      const contact = await createContact(ctx, SYSTEM, {
        name: `${first} ${last}`,
        emails: [
          `${first
            .toLowerCase()
            .normalize("NFD")
            .replace(/[^a-z]/g, "")}.${last
            .toLowerCase()
            .normalize("NFD")
            .replace(/[^a-z]/g, "")}@${o.domain}`,
        ],
        phones: c % 3 === 0 ? [`+49 30 5550${i}${c}`] : [],
        organizationId: org.id,
      });
      contacts.push({ id: contact.id, organizationId: org.id });
    }
  }

  const rootCauses = await prepareRootCauses(ctx, deptId);
  const calendarIds = await seedSlaPolicies(ctx);
  const owners = ["sam", "sam", "lee", "lee", "dana", "mira", "tomas"];
  const priorities: CasePriority[] = ["low", "normal", "normal", "normal", "high", "high", "urgent"];
  const now = Date.now();
  let made = 0;
  for (const [status, count] of STATUS_PLAN) {
    for (let i = 0; i < count; i++) {
      const topic = pick(r, TOPICS);
      const ownerKey = pick(r, owners);
      const owner = who(ownerKey);
      const requester = pick(r, contacts);
      const onField = ownerKey === "mira" || ownerKey === "tomas";
      const created = await openCase(ctx, owner, {
        subject: topic.subject,
        description: { body: topic.body, format: "text" },
        requester: { contactId: requester.id },
        teamId: onField ? field.id : support.id,
        ownerId: owner.id,
        status: "new",
        priority: pick(r, priorities),
        type: topic.type,
        channel: pick(r, ["email", "email", "web_form", "phone", "portal"] as const),
        tags: topic.tags,
        customFields: {},
        followerIds: [],
        nextStepDueAt: new Date(now + (r() * 96 - 24) * 3_600_000),
      });
      let version = created.version;
      if (status !== "new") {
        await addMessage(ctx, owner, created.id, {
          kind: "reply",
          body: pick(r, REPLIES),
          format: "text",
          attachmentIds: [],
        });
        version++;
        if (r() < 0.4) {
          await addMessage(ctx, owner, created.id, {
            kind: "note",
            body: pick(r, NOTES),
            format: "text",
            attachmentIds: [],
          });
        }
      }
      const steps: CaseStatus[] =
        status === "closed" ? ["solved", "closed"] : status === "new" || status === "open" ? [] : [status];
      if (steps.includes("solved")) await rootCauses.beforeSolve(owner, created.id, topic);
      for (const s of steps) {
        const res = await updateCase(ctx, owner, created.id, version, {
          status: s,
          ...(s === "pending" ? { nextStep: "Waiting for the customer's photos" } : {}),
          ...(s === "on_hold" ? { nextStep: "Waiting for Manufacturing's analysis" } : {}),
        });
        version = res.version;
      }
      const ageHours = 2 + r() * 24 * 60;
      await ctx.db.execute(sql`
        UPDATE messages SET created_at = now() - make_interval(secs => ${ageHours * 3600})
          + (created_at - (SELECT min(m2.created_at) FROM messages m2 WHERE m2.case_id = ${created.id}))
          + make_interval(secs => ${r() * 7200})
        WHERE case_id = ${created.id}`);
      await ctx.db.execute(sql`
        UPDATE cases SET created_at = now() - make_interval(secs => ${ageHours * 3600}),
          updated_at = now() - make_interval(secs => ${Math.min(ageHours, r() * 72) * 3600})
        WHERE id = ${created.id}`);
      made++;
    }
  }
  const sla = await seedSlaPicture(ctx, calendarIds);
  const everyonesJob = await seedEveryonesJob(ctx, { who, deptId, contacts, rootCauses });
  return [
    `Demo company loaded: 3 departments, 2 teams, ${EMPLOYEES.length} employees, ${ORGANIZATIONS.length} organizations, ${contacts.length} contacts, ${made} cases.`,
    sla,
    everyonesJob,
    `Sign in as any of ${EMPLOYEES.map((e) => `${e.key}@demo.extramile.test`).join(", ")} with the password "${DEMO_PASSWORD}".`,
  ].join("\n");
};

/* ─── Everyone's job: root causes charged upstream, delegated authority and the executive line ─── */

type DepartmentKey = "service" | "manufacturing" | "logistics";

const ROOT_CAUSE_CATEGORIES = [
  { name: "Transport damage", description: "Goods damaged between our dock and the customer" },
  { name: "Billing error", description: "Wrong, duplicate or late invoices" },
  { name: "Missed appointment", description: "A visit or call we confirmed and did not keep" },
  { name: "Firmware defect", description: "A fault in the software we ship on our machines" },
  { name: "Calibration", description: "Instruments that left the line out of tolerance" },
  {
    name: "Operated outside the specification",
    description: "Customer / no fault: the product was used beyond its limits",
  },
];

/** Where each complaint or incident topic's failure usually originated. */
const ORIGINS: Record<string, { department: DepartmentKey; category: string; description: string }> = {
  "Delivery arrived damaged": {
    department: "logistics",
    category: "Transport damage",
    description: "The carrier stacked the pallets three high; the wrapping gave way",
  },
  "Invoice charged twice": {
    department: "service",
    category: "Billing error",
    description: "Order entered again by hand after a portal timeout",
  },
  "Technician missed the appointment": {
    department: "manufacturing",
    category: "Missed appointment",
    description: "The field service calendar double-booked the technician",
  },
  "Conveyor belt stops after 20 minutes": {
    department: "manufacturing",
    category: "Firmware defect",
    description: "Controller firmware 4.1 overflows its watchdog counter",
  },
  "Sensor reports wrong temperature": {
    department: "manufacturing",
    category: "Calibration",
    description: "Sensor batch 2026-14 left the line without its calibration step",
  },
};

export interface DemoRootCauses {
  categoryIds: Map<string, string>;
  /** Records the root cause a complaint or incident needs before it can be solved. */
  beforeSolve: (owner: Actor, caseId: string, topic: { type: CaseType; subject: string }) => Promise<void>;
}

const prepareRootCauses = async (
  ctx: ServiceContext,
  deptId: Record<DepartmentKey, string>,
): Promise<DemoRootCauses> => {
  const r = rng(20_261_125);
  const categoryIds = new Map<string, string>();
  for (const [position, c] of ROOT_CAUSE_CATEGORIES.entries()) {
    categoryIds.set(c.name, (await createRootCauseCategory(ctx, SYSTEM, { ...c, position })).id);
  }
  const category = (name: string): string => categoryIds.get(name) as string;
  return {
    categoryIds,
    beforeSolve: async (owner, caseId, topic) => {
      const origin = ORIGINS[topic.subject];
      if (!origin || (topic.type !== "complaint" && topic.type !== "incident")) return;
      await recordRootCause(
        ctx,
        owner,
        caseId,
        r() < 0.15
          ? {
              origin: "customer",
              categoryId: category("Operated outside the specification"),
              description: "Run beyond its rated load by the customer",
            }
          : {
              origin: "department",
              departmentId: deptId[origin.department],
              categoryId: category(origin.category),
              description: origin.description,
            },
      );
    },
  };
};

const REMEDY_PLAN: { kind: RemedyKind; description: string }[] = [
  { kind: "refund", description: "Refund of the delivery charge" },
  { kind: "credit", description: "Credit note on the next order" },
  { kind: "replacement", description: "Replacement unit sent by express" },
  { kind: "fee_waiver", description: "Waived the call-out fee" },
  { kind: "goodwill_gift", description: "Spare parts kit as an apology" },
  { kind: "repair", description: "On-site repair at our cost" },
];

const versionOf = async (ctx: ServiceContext, caseId: string): Promise<number> =>
  (await ctx.db.execute<{ version: number }>(sql`SELECT version FROM cases WHERE id = ${caseId}`)).rows[0]?.version ??
  0;

const grantDemoRemedy = async (
  ctx: ServiceContext,
  actor: Actor,
  caseId: string,
  input: { kind: RemedyKind; amountMinor: number; description: string; justification?: string },
): Promise<void> => {
  try {
    await grantRemedy(ctx, actor, caseId, { ...input, currency: "EUR" });
  } catch (err) {
    if (!(err instanceof AppError && err.field === "justification")) throw err;
    await grantRemedy(ctx, actor, caseId, {
      ...input,
      currency: "EUR",
      justification: "A long-standing customer; this month's budget was spent on the conveyor recall",
    });
  }
};

/**
 * Authority limits, remedies within and above them (some reviewed), handling-time corrections, corrective actions,
 * last month's upstream reports and executive cases in every stage — all through the services.
 */
const seedEveryonesJob = async (
  ctx: ServiceContext,
  demo: {
    who: (key: string) => Actor;
    deptId: Record<DepartmentKey, string>;
    contacts: { id: string; organizationId: string | null }[];
    rootCauses: DemoRootCauses;
  },
): Promise<string> => {
  const r = rng(20_261_126);
  const { who, deptId, rootCauses } = demo;
  const byId = new Map(EMPLOYEES.map((e) => [who(e.key).id, who(e.key)]));
  await createAuthorityLimit(ctx, SYSTEM, {
    role: "agent",
    currency: "EUR",
    perRemedyMinor: 30_000,
    per30DaysMinor: 200_000,
  });
  await createAuthorityLimit(ctx, SYSTEM, {
    role: "employee",
    currency: "EUR",
    perRemedyMinor: 20_000,
    per30DaysMinor: 120_000,
  });

  const rootCaused = (
    await ctx.db.execute<{ id: string; owner_id: string; department_id: string | null }>(sql`
      SELECT c.id, c.owner_id, rc.department_id FROM cases c JOIN case_root_causes rc ON rc.case_id = c.id
      ORDER BY c.number`)
  ).rows;
  const generous: { owner: Actor; caseId: string }[] = [];
  for (const [i, c] of rootCaused.entries()) {
    const owner = byId.get(c.owner_id) as Actor;
    if (i % 9 === 4) generous.push({ owner, caseId: c.id });
    else if (r() < 0.65) {
      await grantDemoRemedy(ctx, owner, c.id, {
        ...pick(r, REMEDY_PLAN),
        amountMinor: 1500 + Math.round(r() * 75) * 100,
      });
    }
    if (i % 4 === 1) {
      await correctCaseCost(ctx, owner, c.id, {
        minutes: 15 + Math.round(r() * 75),
        reason: "Calls from the mobile phone and a site visit, not logged on the case",
      });
    }
  }
  for (const { owner, caseId } of generous) {
    await grantDemoRemedy(ctx, owner, caseId, {
      ...pick(r, REMEDY_PLAN),
      amountMinor: 45_000 + Math.round(r() * 100) * 1000,
      justification: "Third failure on this line this quarter; the customer lost a production day",
    });
  }
  const flagged = await listReviewQueue(ctx, who("dana"), { status: "pending", limit: 100 });
  for (const [i, remedy] of flagged
    .filter((f) => f.grantedBy.id !== who("dana").id)
    .slice(0, 3)
    .entries()) {
    await reviewRemedy(
      ctx,
      who("dana"),
      remedy.id,
      i === 2
        ? { outcome: "discuss", note: "Fine for the customer; let's talk about asking Logistics to share the cost." }
        : { outcome: "approve" },
    );
  }

  const casesOf = async (departmentId: string, categoryId: string | undefined): Promise<string[]> =>
    (
      await ctx.db.execute<{ case_id: string }>(sql`
        SELECT case_id FROM case_root_causes WHERE department_id = ${departmentId} AND category_id = ${categoryId ?? null}
        ORDER BY recorded_at LIMIT 6`)
    ).rows.map((row) => row.case_id);
  const day = 86_400_000;
  await createCorrectiveAction(ctx, who("tomas"), {
    departmentId: deptId.logistics,
    categoryId: rootCauses.categoryIds.get("Transport damage"),
    title: "Ship pallets with corner boards and a two-high stacking label",
    description: "Agree it with both carriers and audit the first twenty shipments.",
    ownerId: who("tomas").id,
    dueAt: new Date(Date.now() - 5 * day),
    caseIds: await casesOf(deptId.logistics, rootCauses.categoryIds.get("Transport damage")),
  });
  const firmware = await createCorrectiveAction(ctx, who("mira"), {
    departmentId: deptId.manufacturing,
    categoryId: rootCauses.categoryIds.get("Firmware defect"),
    title: "Roll out controller firmware 4.2 to every installed conveyor",
    description: "",
    ownerId: who("mira").id,
    dueAt: new Date(Date.now() + 20 * day),
    caseIds: await casesOf(deptId.manufacturing, rootCauses.categoryIds.get("Firmware defect")),
  });
  await updateCorrectiveAction(ctx, who("mira"), firmware.id, { status: "in_progress" });
  const calibration = await createCorrectiveAction(ctx, who("mira"), {
    departmentId: deptId.manufacturing,
    categoryId: rootCauses.categoryIds.get("Calibration"),
    title: "Add a calibration sign-off to the sensor line's final check",
    description: "",
    ownerId: who("mira").id,
    dueAt: new Date(Date.now() - 10 * day),
    caseIds: await casesOf(deptId.manufacturing, rootCauses.categoryIds.get("Calibration")),
  });
  await updateCorrectiveAction(ctx, who("mira"), calibration.id, { status: "done" });

  await ctx.db.execute(sql`
    UPDATE case_root_causes rc SET recorded_at = c.updated_at, updated_at = c.updated_at
    FROM cases c WHERE c.id = rc.case_id`);
  await ctx.db.execute(sql`
    UPDATE remedies rm SET granted_at = c.updated_at - interval '2 hours'
    FROM cases c WHERE c.id = rm.case_id`);
  const executiveCases = await seedExecutiveLine(ctx, who, demo.contacts, rootCauses, r);
  for (const c of rootCaused) await inTransaction(ctx, async (tx) => await recomputeCaseCost(tx, c.id));
  const reports = await generateUpstreamReports(ctx);
  const remedies = (
    await ctx.db.execute<{ n: number; above: number }>(sql`
    SELECT count(*)::int AS n, (count(*) FILTER (WHERE above_limit <> 'no'))::int AS above FROM remedies`)
  ).rows[0];
  return `Everyone's job: ${executiveCases} executive cases for ${who("alex").name} in every stage, ${remedies?.n ?? 0} remedies (${remedies?.above ?? 0} above authority), ${rootCaused.length} root-caused complaints and incidents, 3 corrective actions, ${reports} upstream reports.`;
};

/** Letters to the chief executive, one or more in every stage from unread to verified. */
const seedExecutiveLine = async (
  ctx: ServiceContext,
  who: (key: string) => Actor,
  contacts: { id: string; organizationId: string | null }[],
  rootCauses: DemoRootCauses,
  r: () => number,
): Promise<number> => {
  const alex = who("alex");
  const letters: {
    subject: string;
    body: string;
    loggedBy?: string;
    owner?: string;
    topic?: string;
    stage: "unread" | "read" | "delegated" | "reported" | "awaiting_call" | "reopened" | "satisfied" | "unreachable";
    ageDays: number;
  }[] = [
    {
      subject: "Nobody answers my emails",
      body: "Four emails in two weeks and no answer at all.",
      stage: "unread",
      ageDays: 1,
    },
    {
      subject: "Your conveyor cost us a full shift",
      body: "Line 3 stopped again today.",
      loggedBy: "sam",
      stage: "read",
      ageDays: 2,
    },
    {
      subject: "Second damaged delivery this month",
      topic: "Delivery arrived damaged",
      body: "I expect better from a partner of ten years.",
      owner: "tomas",
      stage: "delegated",
      ageDays: 4,
    },
    {
      subject: "Invoice errors every quarter",
      topic: "Invoice charged twice",
      body: "Again we were billed twice.",
      owner: "lee",
      stage: "delegated",
      ageDays: 6,
    },
    {
      subject: "Technician never came",
      topic: "Technician missed the appointment",
      body: "We kept the line idle for a visit that did not happen.",
      owner: "mira",
      stage: "reported",
      ageDays: 8,
    },
    {
      subject: "Sensors still wrong after replacement",
      topic: "Sensor reports wrong temperature",
      body: "The replacement sensors show the same error.",
      owner: "mira",
      stage: "awaiting_call",
      ageDays: 11,
    },
    {
      subject: "Three weeks for a spare part",
      topic: "Technician missed the appointment",
      body: "We were promised three days.",
      owner: "sam",
      stage: "awaiting_call",
      ageDays: 13,
    },
    {
      subject: "Refund still missing",
      topic: "Invoice charged twice",
      body: "The refund you promised in March never arrived.",
      owner: "lee",
      stage: "reopened",
      ageDays: 18,
    },
    {
      subject: "Damaged pallet, rude driver",
      topic: "Delivery arrived damaged",
      body: "The driver refused to wait while we checked the goods.",
      owner: "tomas",
      stage: "satisfied",
      ageDays: 21,
    },
    {
      subject: "Thank you, but it happened again",
      topic: "Conveyor belt stops after 20 minutes",
      body: "The conveyor stopped a week after the fix.",
      owner: "dana",
      stage: "satisfied",
      ageDays: 30,
    },
    {
      subject: "Wrong parts delivered twice",
      topic: "Delivery arrived damaged",
      body: "Twice the wrong rollers.",
      owner: "sam",
      stage: "unreachable",
      ageDays: 35,
    },
  ];
  const order = ["unread", "read", "delegated", "reported", "awaiting_call", "reopened", "satisfied", "unreachable"];
  const reached = (stage: string, step: string) => order.indexOf(stage) >= order.indexOf(step);
  for (const letter of letters) {
    const requester = pick(r, contacts);
    const opened = await openExecutiveCase(ctx, letter.loggedBy ? who(letter.loggedBy) : SYSTEM, {
      executiveId: alex.id,
      subject: letter.subject,
      description: { body: letter.body, format: "text" },
      requester: { contactId: requester.id },
      status: "new",
      priority: "high",
      type: "complaint",
      channel: letter.loggedBy ? "phone" : "portal",
      tags: ["executive"],
      customFields: {},
      followerIds: [],
    });
    const id = opened.caseId;
    if (reached(letter.stage, "read")) await getExecutiveCase(ctx, alex, id);
    if (letter.owner && reached(letter.stage, "delegated")) {
      const owner = who(letter.owner);
      await delegateExecutiveCase(ctx, alex, id, {
        ownerId: owner.id,
        note: "Please call the customer today, put it right, and tell me what they said.",
      });
      const report = async (satisfied: boolean) =>
        await fileFeedbackReport(ctx, owner, id, {
          customerSaid: `${letter.body} They want to know it will not happen again.`,
          actionsTaken:
            "Called the customer, found the cause with the department involved, fixed it and confirmed in writing.",
          remedyGiven: satisfied ? "Credit note and an express replacement" : "Apology letter",
          customerSatisfied: satisfied,
        });
      if (reached(letter.stage, "reported")) {
        await report(true);
        await rootCauses.beforeSolve(owner, id, { type: "complaint", subject: letter.topic ?? "" });
      }
      if (reached(letter.stage, "awaiting_call")) {
        await updateCase(ctx, owner, id, await versionOf(ctx, id), { status: "solved" });
      }
      if (letter.stage === "awaiting_call" && letter.owner === "sam") {
        await recordVerificationCall(ctx, alex, id, { outcome: "no_answer", notes: "Voicemail; try after 4 pm." });
      }
      if (letter.stage === "reopened") {
        await recordVerificationCall(ctx, alex, id, {
          outcome: "not_satisfied",
          notes: "She says the refund is still not on the statement. Asked Lee to check with Finance today.",
        });
      }
      if (letter.stage === "satisfied") {
        await recordVerificationCall(ctx, alex, id, {
          outcome: "satisfied",
          notes: "Happy with how it was handled; would like a call before the next delivery.",
        });
      }
      if (letter.stage === "unreachable") {
        for (const notes of ["No answer.", "Voicemail again.", "Third try; sent a letter instead."]) {
          await recordVerificationCall(ctx, alex, id, {
            outcome: notes.startsWith("Third") ? "unreachable" : "no_answer",
            notes,
          });
        }
      }
    }
    await ctx.db.execute(sql`
      UPDATE cases SET created_at = now() - make_interval(days => ${letter.ageDays}) WHERE id = ${id}`);
    await ctx.db.execute(sql`
      UPDATE executive_cases SET received_at = now() - make_interval(days => ${letter.ageDays}) WHERE case_id = ${id}`);
  }
  return letters.length;
};
