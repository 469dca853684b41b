import { Button, Checkbox, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import type { CaseDetail, UpdateCaseInput } from "../../app/wire";
import { fromLocalInput, toLocalInput } from "../../ui/due-time";

export type Handover = { toId: string; toName: string };

/**
 * Handing a case to someone is one step: the new owner, the next step they find (the one left behind is rarely
 * theirs) and whether the person handing over keeps following it — by default yes for the owner handing over their
 * own case, so they still see how it ends.
 */
export const HandoverModal = ({
  c,
  handover,
  meId,
  save,
  errors,
  onClose,
  onLetGo,
}: {
  c: CaseDetail;
  handover: Handover | null;
  meId: string;
  save: (patch: UpdateCaseInput) => Promise<boolean>;
  errors: Partial<Record<string, string>>;
  onClose: () => void;
  /** Called after the owner handed over their own case and chose not to follow it. */
  onLetGo: () => void;
}) => {
  const [step, setStep] = useState(c.nextStep ?? "");
  const [due, setDue] = useState(toLocalInput(c.nextStepDueAt));
  const handingOwn = c.owner?.id === meId;
  const [keep, setKeep] = useState(handingOwn);
  const [busy, setBusy] = useState(false);
  const [opened, setOpened] = useState<string | null>(null);
  if (handover && opened !== handover.toId) {
    setOpened(handover.toId);
    setStep(c.nextStep ?? "");
    setDue(toLocalInput(c.nextStepDueAt));
    setKeep(handingOwn);
  }

  const submit = async () => {
    if (!handover) return;
    setBusy(true);
    const saved = await save({
      ownerId: handover.toId,
      keepFollowing: keep,
      ...(step.trim() !== (c.nextStep ?? "") ? { nextStep: step.trim() } : {}),
      ...(due !== toLocalInput(c.nextStepDueAt) ? { nextStepDueAt: fromLocalInput(due) } : {}),
    });
    setBusy(false);
    if (!saved) return;
    setOpened(null);
    onClose();
    if (handingOwn && !keep) onLetGo();
  };

  return (
    <Modal
      opened={handover !== null}
      onClose={() => {
        setOpened(null);
        onClose();
      }}
      title={handover ? `Hand case #${c.number} to ${handover.toName}` : ""}
      closeButtonProps={{ "aria-label": "Close" }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            Leave {handover?.toName ?? "them"} a next step they can act on.
          </Text>
          <TextInput
            label="Next step"
            required
            value={step}
            onChange={(e) => setStep(e.currentTarget.value)}
            error={errors.nextStep}
            maxLength={500}
            data-autofocus
          />
          <TextInput
            type="datetime-local"
            label="Due"
            required
            value={due}
            onChange={(e) => setDue(e.currentTarget.value)}
            error={errors.nextStepDueAt}
          />
          <Checkbox
            label="Keep following this case"
            description="You see its replies and how it ends, and can open it from your followed cases."
            checked={keep}
            onChange={(e) => setKeep(e.currentTarget.checked)}
          />
          {errors.ownerId && (
            <Text size="sm" c="red" role="alert">
              {errors.ownerId}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Hand over
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
};
