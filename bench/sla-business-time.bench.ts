import { addBusinessMinutes, type TBusinessCalendar } from "../src/server/domains/sla/business-time";

const MINUTE_MS = 60_000;
const SAMPLES = 4096;
const ITERATIONS = 1_000_000;
const WARMUP_ITERATIONS = 200_000;
const RANGE_START = Date.UTC(2025, 0, 1);
const RANGE_MINUTES = 2 * 365 * 1440;
const WEEKDAYS = [1, 2, 3, 4, 5] as const;

const alwaysOpen: TBusinessCalendar = { timeZone: "UTC", weeklyHours: [], holidays: [], alwaysOpen: true };

const berlinOffice: TBusinessCalendar = {
  timeZone: "Europe/Berlin",
  weeklyHours: WEEKDAYS.flatMap((weekday) => [
    { weekday, start: "09:00", end: "12:30" },
    { weekday, start: "13:30", end: "18:00" },
  ]),
  holidays: [
    { date: "2025-01-01", yearly: true, name: "New Year's Day" },
    { date: "2025-05-01", yearly: true, name: "Labour Day" },
    { date: "2025-10-03", yearly: true, name: "German Unity Day" },
    { date: "2025-12-24", yearly: true, name: "Christmas Eve" },
    { date: "2025-12-25", yearly: true, name: "Christmas Day" },
    { date: "2025-12-26", yearly: true, name: "Boxing Day" },
    { date: "2025-04-18", yearly: false, name: "Good Friday" },
    { date: "2025-04-21", yearly: false, name: "Easter Monday" },
    { date: "2026-04-03", yearly: false, name: "Good Friday" },
    { date: "2026-04-06", yearly: false, name: "Easter Monday" },
  ],
};

const lordHowe: TBusinessCalendar = {
  timeZone: "Australia/Lord_Howe",
  weeklyHours: [
    ...WEEKDAYS.map((weekday) => ({ weekday, start: "08:00", end: "18:00" })),
    { weekday: 7, start: "01:00", end: "04:00" },
  ],
  holidays: [{ date: "2025-12-25", yearly: true, name: "Christmas Day" }],
};

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const next = random(42);
const starts = Array.from(
  { length: SAMPLES },
  () => new Date(RANGE_START + Math.floor(next() * RANGE_MINUTES) * MINUTE_MS),
);
const targets = Array.from({ length: SAMPLES }, () => 480 + Math.floor(next() * 4 * 480));

interface Measurement {
  coldMs: number;
  opsPerSecond: number;
}

function measure(compute: (start: Date, minutes: number) => Date): Measurement {
  let checksum = 0;
  const coldBegan = process.hrtime.bigint();
  for (let i = 0; i < SAMPLES; i++) checksum += compute(starts[i]!, targets[i]!).getTime() % 7;
  const coldMs = Number(process.hrtime.bigint() - coldBegan) / 1e6;
  for (let i = 0; i < WARMUP_ITERATIONS; i++)
    checksum += compute(starts[i % SAMPLES]!, targets[i % SAMPLES]!).getTime() % 7;
  const began = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    const sample = i % SAMPLES;
    checksum += compute(starts[sample]!, targets[sample]!).getTime() % 7;
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  if (Number.isNaN(checksum)) throw new Error("Benchmark produced an invalid date");
  return { coldMs, opsPerSecond: ITERATIONS / seconds };
}

const baseline = measure((start, minutes) => new Date(start.getTime() + minutes * MINUTE_MS));
const rows = [
  { calendar: "baseline: plain Date addition", result: baseline },
  { calendar: "24/7", result: measure((start, minutes) => addBusinessMinutes(alwaysOpen, start, minutes)) },
  {
    calendar: "Berlin office hours + holidays",
    result: measure((start, minutes) => addBusinessMinutes(berlinOffice, start, minutes)),
  },
  {
    calendar: "Lord Howe (30-min DST)",
    result: measure((start, minutes) => addBusinessMinutes(lordHowe, start, minutes)),
  },
];

console.log(
  `Due-time computations: ${SAMPLES} starts over 2025-2026, targets 480-2400 business minutes, ${ITERATIONS.toLocaleString("en")} timed calls each`,
);
console.log(
  `${"calendar".padEnd(32)}${"ops/s".padStart(13)}${"ns/op".padStart(8)}${"x baseline time".padStart(17)}${"cold first pass".padStart(18)}`,
);
for (const { calendar, result } of rows) {
  const ratio = baseline.opsPerSecond / result.opsPerSecond;
  console.log(
    [
      calendar.padEnd(32),
      Math.round(result.opsPerSecond).toLocaleString("en").padStart(13),
      (1e9 / result.opsPerSecond).toFixed(0).padStart(8),
      `${ratio.toFixed(1)}x`.padStart(17),
      `${result.coldMs.toFixed(1)} ms`.padStart(18),
    ].join(""),
  );
}
