import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { USER_ROLES } from "../../../shared/domain";
import { type Actor, SYSTEM } from "../../platform/actor";
import { type CaseAccess, canSee, casesPolicy } from "./cases.policy";

const uuid = fc.uuid();
const actor: fc.Arbitrary<Actor> = fc.record({
  type: fc.constant("user" as const),
  id: uuid,
  name: fc.string(),
  role: fc.constantFrom(...USER_ROLES),
  departmentId: fc.option(uuid, { nil: null }),
  teamIds: fc.array(uuid, { maxLength: 3 }),
  scopes: fc.constant(null),
});
const access: fc.Arbitrary<CaseAccess> = fc.record({
  ownerId: fc.option(uuid, { nil: null }),
  teamId: fc.option(uuid, { nil: null }),
  ownerDepartmentId: fc.option(uuid, { nil: null }),
  isFollower: fc.boolean(),
});
const ACTIONS = ["read", "update", "reply", "note", "assign", "merge", "link", "follow"] as const;

describe("case policy", () => {
  it("no case action is allowed on a case the actor cannot see", () => {
    fc.assert(
      fc.property(
        actor,
        access,
        fc.constantFrom(...ACTIONS),
        (a, c, action) => canSee(a, c) || !casesPolicy.can(a, action, c),
      ),
    );
  });

  it("an employee sees a case exactly when it is theirs, followed, their team's or their department's", () => {
    fc.assert(
      fc.property(actor, access, (a, c) => {
        const employee = { ...a, role: "employee" as const };
        const expected =
          c.ownerId === employee.id ||
          c.isFollower ||
          (c.teamId !== null && employee.teamIds.includes(c.teamId)) ||
          (employee.departmentId !== null && c.ownerDepartmentId === employee.departmentId);
        return casesPolicy.can(employee, "read", c) === expected;
      }),
    );
  });

  it("only admins, supervisors and agents merge", () => {
    fc.assert(
      fc.property(actor, access, (a, c) => {
        const allowed = casesPolicy.can(a, "merge", c);
        return !allowed || ["admin", "supervisor", "agent"].includes(a.role);
      }),
    );
  });

  it("the system actor (jobs, imports) passes every policy", () => {
    expect(
      casesPolicy.can(SYSTEM, "merge", { ownerId: null, teamId: null, ownerDepartmentId: null, isFollower: false }),
    ).toBe(true);
  });
});
