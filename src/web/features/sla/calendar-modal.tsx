import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Divider,
  Group,
  Modal,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useMemo, useState } from "react";
import type { THoliday } from "../../../shared/contracts/sla";
import { errorMessage, fieldError, fieldErrorUnder } from "../../app/api-client";
import { EditConflictAlert, useVersionedSave, type VersionedSave } from "../../ui/versioned-save";
import {
  holidayErrors,
  type Interval,
  officeWeek,
  WEEKDAYS,
  type Week,
  weekErrors,
  weekFrom,
  weeklyFrom,
  weeklyMinutes,
} from "./opening-hours";
import { type Calendar, useRefreshSla, useSaveSla } from "./sla.queries";

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

const timeZones = (): string[] => {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
};

const DayRow = ({
  weekday,
  label,
  intervals,
  errors,
  onChange,
}: {
  weekday: number;
  label: string;
  intervals: Interval[];
  errors: Record<string, string>;
  onChange: (next: Interval[]) => void;
}) => {
  const set = (index: number, patch: Partial<Interval>) =>
    onChange(intervals.map((i, k) => (k === index ? { ...i, ...patch } : i)));
  const last = intervals.at(-1);
  return (
    <Group align="flex-start" gap="sm" wrap="nowrap" role="group" aria-label={`${label} opening hours`}>
      <Text size="sm" fw={500} w={96} pt={6} style={{ flex: "none" }}>
        {label}
      </Text>
      <Stack gap={6} style={{ flex: 1 }}>
        {intervals.length === 0 ? (
          <Text size="sm" c="dimmed" pt={6}>
            Closed
          </Text>
        ) : null}
        {intervals.map((interval, index) => {
          const error = errors[`${weekday}.${index}`];
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place in the day
            <Group key={index} gap="xs" align="flex-start" wrap="nowrap">
              <TextInput
                size="xs"
                w={84}
                aria-label={`${label} interval ${index + 1} opens`}
                placeholder="09:00"
                value={interval.start}
                onChange={(e) => set(index, { start: e.currentTarget.value })}
                error={Boolean(error)}
              />
              <Text size="sm" pt={4} aria-hidden>
                –
              </Text>
              <TextInput
                size="xs"
                w={84}
                aria-label={`${label} interval ${index + 1} closes`}
                placeholder="17:00"
                value={interval.end}
                onChange={(e) => set(index, { end: e.currentTarget.value })}
                error={Boolean(error)}
              />
              <ActionIcon
                variant="subtle"
                color="gray"
                mt={2}
                aria-label={`Remove ${label} interval ${index + 1}`}
                onClick={() => onChange(intervals.filter((_, k) => k !== index))}
              >
                <IconTrash size={16} />
              </ActionIcon>
              {error ? (
                <Text size="xs" c="red" pt={6} role="alert">
                  {error}
                </Text>
              ) : null}
            </Group>
          );
        })}
      </Stack>
      <Button
        size="compact-xs"
        variant="default"
        leftSection={<IconPlus size={14} />}
        aria-label={`Add ${label} interval`}
        onClick={() =>
          onChange([
            ...intervals,
            last
              ? { start: last.end === "24:00" ? "23:00" : last.end, end: "24:00" }
              : { start: "09:00", end: "17:00" },
          ])
        }
      >
        Interval
      </Button>
    </Group>
  );
};

const HolidayRows = ({
  holidays,
  onChange,
  serverError,
}: {
  holidays: THoliday[];
  onChange: (next: THoliday[]) => void;
  serverError: string | undefined;
}) => {
  const errors = holidayErrors(holidays);
  const set = (index: number, patch: Partial<THoliday>) =>
    onChange(holidays.map((h, k) => (k === index ? { ...h, ...patch } : h)));
  return (
    <Stack gap={6}>
      {holidays.length === 0 ? (
        <Text size="sm" c="dimmed">
          No holidays: the calendar is open on every weekday its hours say.
        </Text>
      ) : null}
      {holidays.map((h, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place in the list
        <Group key={index} gap="xs" align="flex-start" wrap="nowrap">
          <TextInput
            size="xs"
            type="date"
            w={150}
            aria-label={`Holiday ${index + 1} date`}
            value={h.date}
            onChange={(e) => set(index, { date: e.currentTarget.value })}
            error={errors[index]}
          />
          <TextInput
            size="xs"
            style={{ flex: 1 }}
            aria-label={`Holiday ${index + 1} name`}
            placeholder="Name (optional)"
            value={h.name ?? ""}
            onChange={(e) => {
              const name = e.currentTarget.value;
              set(index, name ? { name } : { name: undefined });
            }}
          />
          <Checkbox
            size="xs"
            mt={6}
            label="Every year"
            checked={h.yearly}
            onChange={(e) => set(index, { yearly: e.currentTarget.checked })}
          />
          <ActionIcon
            variant="subtle"
            color="gray"
            mt={2}
            aria-label={`Remove holiday ${index + 1}`}
            onClick={() => onChange(holidays.filter((_, k) => k !== index))}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      {serverError ? (
        <Text size="xs" c="red" role="alert">
          {serverError}
        </Text>
      ) : null}
      <Group>
        <Button
          size="compact-sm"
          variant="default"
          leftSection={<IconPlus size={14} />}
          onClick={() => onChange([...holidays, { date: "", yearly: false }])}
        >
          Add holiday
        </Button>
      </Group>
    </Stack>
  );
};

/** Creates or edits a business calendar: time zone, weekly hours with several intervals a day, holidays, 24/7. */
export const CalendarModal = ({ calendar, onClose }: { calendar: Calendar | null; onClose: () => void }) => {
  const refresh = useRefreshSla<Calendar>("calendars");
  const [shown, setShown] = useState(calendar);
  const edit = useVersionedSave<Calendar>({
    version: calendar?.version ?? 0,
    refresh: async () => (calendar ? await refresh(calendar.id) : undefined),
    onReloaded: setShown,
  });
  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ "aria-label": "Close" }}
      title={calendar ? `Edit ${calendar.name}` : "New business calendar"}
      size="xl"
    >
      <CalendarForm key={edit.formKey} calendar={shown} edit={edit} onClose={onClose} />
    </Modal>
  );
};

/** The calendar's fields; an edit is saved against the version the modal opened with. */
const CalendarForm = ({
  calendar,
  edit,
  onClose,
}: {
  calendar: Calendar | null;
  edit: VersionedSave<Calendar>;
  onClose: () => void;
}) => {
  const save = useSaveSla<Calendar>("calendars");
  const zones = useMemo(() => timeZones().map((z) => ({ value: z, label: z.replaceAll("_", " ") })), []);
  const [name, setName] = useState(calendar?.name ?? "");
  const [timeZone, setTimeZone] = useState<string | null>(calendar?.timeZone ?? browserZone());
  const [alwaysOpen, setAlwaysOpen] = useState(calendar?.alwaysOpen ?? false);
  const [week, setWeek] = useState<Week>(calendar ? weekFrom(calendar.weeklyHours) : officeWeek());
  const [holidays, setHolidays] = useState<THoliday[]>(
    (calendar?.holidays ?? []).map((h) => ({
      date: h.date,
      yearly: h.yearly ?? false,
      ...(h.name ? { name: h.name } : {}),
    })),
  );
  const [touched, setTouched] = useState(false);
  const errors = alwaysOpen ? {} : weekErrors(week);
  const holidayProblems = holidayErrors(holidays).some(Boolean);
  const invalid = Object.keys(errors).length > 0 || holidayProblems;
  const err = edit.error;
  const hours = Math.round((weeklyMinutes(week) / 60) * 10) / 10;
  const submit = async () => {
    const body = { name: name.trim(), timeZone, alwaysOpen, weeklyHours: weeklyFrom(week), holidays };
    if (await edit.run(async (headers) => await save.mutateAsync({ id: calendar?.id, body, headers }))) {
      notifications.show({ color: "green", message: `Calendar ${name.trim()} saved.` });
      onClose();
    }
  };
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if (!invalid) void submit();
      }}
    >
      <Stack gap="sm">
        <EditConflictAlert what="calendar" edit={edit} />
        {err && !["name", "timeZone"].some((f) => fieldError(err, f)) && !fieldErrorUnder(err, "holidays") ? (
          <Alert color="red" role="alert">
            {errorMessage(err)}
          </Alert>
        ) : null}
        {touched && invalid ? (
          <Alert color="red" role="alert">
            Some opening hours or holidays need fixing before the calendar can be saved.
          </Alert>
        ) : null}
        <Group grow align="flex-start">
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(err, "name")}
            data-autofocus
          />
          <Select
            label="Time zone"
            description="Hours and holidays are in this zone, daylight saving included"
            required
            searchable
            data={zones}
            value={timeZone}
            onChange={setTimeZone}
            error={fieldError(err, "timeZone")}
            limit={100}
            nothingFoundMessage="No such time zone"
          />
        </Group>
        <Switch
          label="Open 24/7 (clocks run around the clock; hours and holidays are ignored)"
          checked={alwaysOpen}
          onChange={(e) => setAlwaysOpen(e.currentTarget.checked)}
        />
        {alwaysOpen ? null : (
          <>
            <Divider />
            <Group justify="space-between">
              <Title order={3} fz="sm">
                Weekly opening hours
              </Title>
              <Text size="xs" c="dimmed">
                {hours} h a week · HH:MM, 24:00 for midnight
              </Text>
            </Group>
            <Stack gap={8}>
              {WEEKDAYS.map((d) => (
                <DayRow
                  key={d.weekday}
                  weekday={d.weekday}
                  label={d.label}
                  intervals={week[d.weekday] ?? []}
                  errors={errors}
                  onChange={(next) => setWeek((w) => ({ ...w, [d.weekday]: next }))}
                />
              ))}
            </Stack>
            <Divider />
            <Title order={3} fz="sm">
              Holidays
            </Title>
            <HolidayRows holidays={holidays} onChange={setHolidays} serverError={fieldErrorUnder(err, "holidays")} />
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={edit.busy}>
            Save calendar
          </Button>
        </Group>
      </Stack>
    </form>
  );
};
