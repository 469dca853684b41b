import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CASE_STATUS_TRANSITIONS, CASE_STATUSES, type CaseStatus, canTransition } from "./domain";

const status = fc.constantFrom(...CASE_STATUSES);

/** Statuses reachable from `from` through allowed transitions. */
const reachable = (from: CaseStatus): Set<CaseStatus> => {
  const seen = new Set<CaseStatus>([from]);
  const queue = [from];
  while (queue.length > 0) {
    const s = queue.shift() as CaseStatus;
    for (const next of CASE_STATUS_TRANSITIONS[s]) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
};

describe("case status transitions", () => {
  it("closed is terminal: nothing leaves it, not even a no-op", () => {
    fc.assert(fc.property(status, (to) => !canTransition("closed", to)));
  });

  it("closed is only entered from solved", () => {
    fc.assert(fc.property(status, (from) => canTransition(from, "closed") === (from === "solved")));
  });

  it("every status except closed can still be solved (no dead ends)", () => {
    for (const s of CASE_STATUSES.filter((x) => x !== "closed")) expect(reachable(s).has("solved")).toBe(true);
  });

  it("nothing moves back to new", () => {
    fc.assert(fc.property(status, (from) => from === "new" || !canTransition(from, "new")));
  });

  it("any random walk of allowed steps ends closed only after passing solved right before", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (choices) => {
        let current: CaseStatus = "new";
        for (const c of choices) {
          const options = CASE_STATUS_TRANSITIONS[current];
          if (options.length === 0) break;
          const next = options[c % options.length] as CaseStatus;
          if (next === "closed" && current !== "solved") return false;
          expect(canTransition(current, next)).toBe(true);
          current = next;
        }
        return true;
      }),
    );
  });

  it("the table and canTransition agree for every pair", () => {
    fc.assert(
      fc.property(status, status, (from, to) =>
        from === to
          ? canTransition(from, to) === (from !== "closed")
          : canTransition(from, to) === CASE_STATUS_TRANSITIONS[from].includes(to),
      ),
    );
  });
});
