import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { zIdParams } from "../../../shared/contracts/common";
import {
  zCaseServiceFailure,
  zRecordServiceFailureInput,
  zRecoveryReport,
  zServiceFailure,
} from "../../../shared/contracts/recovery";
import { requireActor } from "../../platform/http";
import { getCaseServiceFailure, recordServiceFailure, recoveryReport } from "./recovery.service";

export const recoveryRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["service recovery"];
  r.get(
    "/api/v1/cases/:id/service-failure",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "Whether the case is a service failure, and how the customer was won back.",
        params: zIdParams,
        response: { 200: zCaseServiceFailure },
      },
    },
    async (req) => await getCaseServiceFailure(app.ctx, requireActor(req), req.params.id),
  );
  r.put(
    "/api/v1/cases/:id/service-failure",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          "Marks the case as a service failure or records its recovery (apology, fix, remedy from the ledger, follow-up).",
        params: zIdParams,
        body: zRecordServiceFailureInput,
        response: { 200: zServiceFailure },
      },
    },
    async (req) => await recordServiceFailure(app.ctx, requireActor(req), req.params.id, req.body),
  );
  r.get(
    "/api/v1/reports/recovery",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          "Customers who suffered a failure: CSAT and NPS after it, against customers who never had one; detractors won back.",
        response: { 200: zRecoveryReport },
      },
    },
    async (req) => await recoveryReport(app.ctx, requireActor(req)),
  );
};
