import { describe, expect, it } from "vitest";
import { navAccess } from "./access";

const departments = [{ directorId: "mira" }, { directorId: null }];

describe("navAccess", () => {
  it("offers the executive line to executives and admins", () => {
    expect(navAccess({ id: "alex", role: "executive" }, departments)).toEqual({
      executive: true,
      reviews: false,
      ledger: true,
    });
    expect(navAccess({ id: "root", role: "admin" }, departments)).toEqual({
      executive: true,
      reviews: true,
      ledger: true,
    });
  });

  it("offers the review queue and ledger to supervisors and department directors", () => {
    expect(navAccess({ id: "dana", role: "supervisor" }, departments)).toEqual({
      executive: false,
      reviews: true,
      ledger: true,
    });
    expect(navAccess({ id: "mira", role: "employee" }, departments)).toEqual({
      executive: false,
      reviews: true,
      ledger: true,
    });
    expect(navAccess({ id: "sam", role: "agent" }, departments)).toEqual({
      executive: false,
      reviews: false,
      ledger: false,
    });
  });
});
