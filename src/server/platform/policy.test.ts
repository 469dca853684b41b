import fc from "fast-check";
import { describe, it } from "vitest";
import { USER_ROLES } from "../../shared/domain";
import type { Actor } from "./actor";
import { definePolicy } from "./policy";

const actor: fc.Arbitrary<Actor> = fc.record({
  type: fc.constant("user" as const),
  id: fc.uuid(),
  name: fc.string(),
  role: fc.constantFrom(...USER_ROLES),
  departmentId: fc.constant(null),
  teamIds: fc.constant([]),
  scopes: fc.constant(null),
});

describe("definePolicy", () => {
  it("denies whatever the table does not name", () => {
    const p = definePolicy<"read", null>({ read: () => true });
    fc.assert(fc.property(actor, (a) => !p.can(a, "delete" as "read", null) && p.can(a, "read", null)));
  });
});
