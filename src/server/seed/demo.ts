import { sql } from "drizzle-orm";
import type { CasePriority, CaseStatus, CaseType } from "../../shared/domain";
import { openCase, updateCase } from "../domains/cases/cases.service";
import { createContact } from "../domains/contacts/contacts.service";
import { createDepartment, updateDepartment } from "../domains/departments/departments.service";
import { addMessage } from "../domains/messages/messages.service";
import { createOrganization } from "../domains/organizations/organizations.service";
import { createTeam } from "../domains/teams/teams.service";
import { createUser, loadActor } from "../domains/users/users.service";
import { type Actor, SYSTEM } from "../platform/actor";
import type { ServiceContext } from "../platform/context";

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
  await updateDepartment(ctx, SYSTEM, service.id, { directorId: who("dana").id });
  await updateDepartment(ctx, SYSTEM, manufacturing.id, { directorId: who("mira").id });
  await updateDepartment(ctx, SYSTEM, logistics.id, { directorId: who("tomas").id });
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
  return [
    `Demo company loaded: 3 departments, 2 teams, ${EMPLOYEES.length} employees, ${ORGANIZATIONS.length} organizations, ${contacts.length} contacts, ${made} cases.`,
    `Sign in as any of ${EMPLOYEES.map((e) => `${e.key}@demo.extramile.test`).join(", ")} with the password "${DEMO_PASSWORD}".`,
  ].join("\n");
};
