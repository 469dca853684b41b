import { z } from "zod";
import { zId, zTimestamp } from "./common";

export const CSAT_RATINGS = ["good", "bad"] as const;
export type CsatRating = (typeof CSAT_RATINGS)[number];

export const CSAT_GROUPS = ["person", "team", "department"] as const;
export type CsatGroup = (typeof CSAT_GROUPS)[number];

/** NPS bands: 9–10 promoter, 7–8 passive, 0–6 detractor. */
export const npsBandOf = (score: number): "promoter" | "passive" | "detractor" =>
  score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";

export const zSurveySettings = z.object({
  csatEnabled: z.boolean(),
  /** Hours after a case is solved before its survey is mailed. */
  csatDelayHours: z.number().int().min(0).max(720),
  npsEnabled: z.boolean(),
  /** Days between two relationship surveys to the same contact. */
  npsCadenceDays: z.number().int().min(7).max(730),
});
export type TSurveySettings = z.output<typeof zSurveySettings>;

export const zUpdateSurveySettingsInput = zSurveySettings.partial().strict();
export type TUpdateSurveySettingsInput = z.output<typeof zUpdateSurveySettingsInput>;

/** A survey link's token: opaque, signed; never an id a customer could guess. */
export const zSurveyToken = z.string().min(10).max(300);

export const zCsatAnswerInput = z.strictObject({
  token: zSurveyToken,
  rating: z.enum(CSAT_RATINGS),
  comment: z.string().max(4000).default(""),
});
export type TCsatAnswerInput = z.output<typeof zCsatAnswerInput>;

export const zNpsAnswerInput = z.strictObject({
  token: zSurveyToken,
  score: z.coerce.number().int().min(0).max(10),
  comment: z.string().max(4000).default(""),
});
export type TNpsAnswerInput = z.output<typeof zNpsAnswerInput>;

export const zSurveyAnswerResult = z.object({ status: z.enum(["recorded", "already_answered"]) });
export type TSurveyAnswerResult = z.output<typeof zSurveyAnswerResult>;

export const zCaseCsat = z.object({
  survey: z
    .object({
      status: z.enum(["scheduled", "sent", "answered", "cancelled"]),
      sendAt: zTimestamp,
      sentAt: zTimestamp.nullable(),
      rating: z.enum(CSAT_RATINGS).nullable(),
      comment: z.string(),
      answeredAt: zTimestamp.nullable(),
      recoveryCase: z.object({ id: zId, number: z.number().int() }).nullable(),
    })
    .nullable(),
});
export type TCaseCsat = z.output<typeof zCaseCsat>;

export const zReportPeriodQuery = {
  from: zTimestamp.optional(),
  to: zTimestamp.optional(),
};

export const zCsatReportQuery = z.strictObject({
  groupBy: z.enum(CSAT_GROUPS).default("person"),
  ...zReportPeriodQuery,
});
export type TCsatReportQuery = z.output<typeof zCsatReportQuery>;

export const zCsatReport = z.object({
  groupBy: z.enum(CSAT_GROUPS),
  total: z.object({
    sent: z.number().int(),
    good: z.number().int(),
    bad: z.number().int(),
    score: z.number().nullable(),
  }),
  rows: z.array(
    z.object({
      id: zId.nullable(),
      name: z.string(),
      sent: z.number().int(),
      good: z.number().int(),
      bad: z.number().int(),
      /** Share of good answers among answers, 0–100; null without answers. */
      score: z.number().nullable(),
    }),
  ),
});
export type TCsatReport = z.output<typeof zCsatReport>;

export const zNpsReportQuery = z.strictObject(zReportPeriodQuery);
export type TNpsReportQuery = z.output<typeof zNpsReportQuery>;

export const zNpsSummary = z.object({
  responses: z.number().int(),
  promoters: z.number().int(),
  passives: z.number().int(),
  detractors: z.number().int(),
  /** % promoters − % detractors, −100…100; null without responses. */
  nps: z.number().nullable(),
});
export type TNpsSummary = z.output<typeof zNpsSummary>;

export const zNpsReport = z.object({ sent: z.number().int(), summary: zNpsSummary });
export type TNpsReport = z.output<typeof zNpsReport>;
