import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "./errors";
import { cursorSchema, cursorValues, decodeCursor, encodeCursor } from "./pagination";

const SCHEMAS = {
  timestamp: cursorSchema(cursorValues.timestamp),
  name: cursorSchema(cursorValues.name),
  serial: cursorSchema(cursorValues.none, cursorValues.serial),
  int: cursorSchema(cursorValues.int),
  bigint: cursorSchema(cursorValues.bigint),
};

/** Either a value the schema accepts, or the 400 naming `cursor`; any other outcome is a bug. */
const outcome = (raw: string, schema: (typeof SCHEMAS)[keyof typeof SCHEMAS]): "ok" | "invalid" => {
  try {
    const value = decodeCursor(raw, schema);
    expect(schema.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8"))).success).toBe(true);
    expect(value).toBeDefined();
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("VALIDATION_FAILED");
    expect((e as AppError).field).toBe("cursor");
    return "invalid";
  }
};

const anyCursorText = fc.oneof(
  fc.string({ maxLength: 500 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.jsonValue().map((j) => Buffer.from(JSON.stringify(j)).toString("base64url")),
  fc
    .record({ v: fc.jsonValue(), id: fc.oneof(fc.uuid(), fc.string(), fc.jsonValue()) })
    .map((j) => Buffer.from(JSON.stringify(j)).toString("base64url")),
);

describe("decodeCursor", () => {
  it("turns any string into a valid cursor or a 400 naming cursor, never another error", () => {
    fc.assert(
      fc.property(anyCursorText, fc.constantFrom(...Object.values(SCHEMAS)), (raw, schema) => {
        outcome(raw, schema);
      }),
      { numRuns: 2000 },
    );
  });

  it("gives back what encodeCursor wrote", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }),
        fc.uuid(),
        (at, id) => {
          const back = decodeCursor(encodeCursor({ v: at.toISOString(), id }), SCHEMAS.timestamp);
          expect(back).toEqual({ v: at, id });
        },
      ),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 999_999_999_999_999_999n }), (n) => {
        expect(decodeCursor(encodeCursor({ v: null, id: String(n) }), SCHEMAS.serial)).toEqual({
          v: null,
          id: String(n),
        });
      }),
    );
  });

  it("refuses what the database would reject as a sort value", () => {
    const id = "6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5";
    for (const [v, schema] of [
      ["0000-01-01T00:00:00.000Z", SCHEMAS.timestamp],
      ["2026-02-30T00:00:00.000Z", SCHEMAS.timestamp],
      ["yesterday", SCHEMAS.timestamp],
      [2 ** 31, SCHEMAS.int],
      [1.5, SCHEMAS.bigint],
      ["x", SCHEMAS.bigint],
    ] as const) {
      expect(outcome(encodeCursor({ v, id }), schema)).toBe("invalid");
    }
    expect(outcome(encodeCursor({ v: "2026-01-01T00:00:00.000Z", id: "1 OR 1=1" }), SCHEMAS.timestamp)).toBe("invalid");
    expect(outcome(encodeCursor({ v: null, id: "0" }), SCHEMAS.serial)).toBe("invalid");
    expect(outcome("%%%", SCHEMAS.name)).toBe("invalid");
  });
});
