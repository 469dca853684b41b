import type { z } from "zod";
import type { zKbArticle, zKbArticleSummary, zKbCategory, zKbStats } from "../../../shared/contracts/knowledge";
import type { zCaseServiceFailure, zRecoveryReport, zServiceFailure } from "../../../shared/contracts/recovery";
import type { zCaseCsat, zCsatReport, zNpsReport } from "../../../shared/contracts/surveys";

/** JSON as it travels: timestamps are ISO strings. */
export type KbCategory = z.input<typeof zKbCategory>;
export type KbArticleSummary = z.input<typeof zKbArticleSummary>;
export type KbArticle = z.input<typeof zKbArticle>;
export type KbStats = z.input<typeof zKbStats>;
export type CaseCsat = z.input<typeof zCaseCsat>;
export type CsatReport = z.input<typeof zCsatReport>;
export type NpsReport = z.input<typeof zNpsReport>;
export type CaseServiceFailure = z.input<typeof zCaseServiceFailure>;
export type ServiceFailure = z.input<typeof zServiceFailure>;
export type RecoveryReport = z.input<typeof zRecoveryReport>;
