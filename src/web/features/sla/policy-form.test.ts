import { describe, expect, it } from "vitest";
import { actionForm, actionsFrom, describeActions, targetsFrom, targetTexts } from "./policy-form";

describe("policy form", () => {
  it("round-trips targets and names a target that is not a duration", () => {
    const targets = { first_response: { urgent: 60, normal: 240 }, resolution: { normal: 2880 } };
    const texts = targetTexts(targets);
    expect(texts.first_response.urgent).toBe("1 h");
    expect(texts.next_response.normal).toBe("");
    expect(targetsFrom(texts)).toEqual({ targets, errors: {} });
    texts.resolution.high = "tomorrow";
    expect(targetsFrom(texts).errors).toEqual({ "resolution.high": "Use a duration like 45m, 4h or 2d" });
  });

  it("asks for at least one target", () => {
    expect(targetsFrom(targetTexts({})).errors).toEqual({ "first_response.normal": "Set at least one target" });
  });

  it("turns escalation actions into the form and back", () => {
    const actions = [
      { type: "notify" as const, recipients: ["owner" as const, "director" as const] },
      { type: "reassign_team" as const, teamId: "00000000-0000-4000-8000-000000000001" },
      { type: "raise_priority" as const, to: "urgent" as const },
    ];
    const form = actionForm(actions);
    expect(form).toEqual({
      notify: ["owner", "director"],
      reassignTeamId: "00000000-0000-4000-8000-000000000001",
      raisePriority: true,
      raiseTo: "urgent",
    });
    expect(actionsFrom(form)).toEqual(actions);
    expect(actionsFrom(actionForm([]))).toEqual([]);
    expect(describeActions(actions, () => "Tier 2")).toBe(
      "notify the owner and the department director; reassign to Tier 2; raise priority to urgent",
    );
    expect(describeActions([{ type: "raise_priority" }], () => "")).toBe("raise priority one step");
    expect(describeActions([], () => "")).toBe("nothing");
  });
});
