import {
  BRANDING_LOGO_MAX_BYTES,
  type BRANDING_LOGO_TYPES,
  type TBranding,
  type TUpdateBrandingInput,
} from "../../../shared/contracts/branding";
import type { DbOrTx } from "../../db/connection";
import { type AnyActor, actorId } from "../../platform/actor";
import type { ServiceContext } from "../../platform/context";
import { inTransaction } from "../../platform/context";
import { AppError, invalid, notFound } from "../../platform/errors";
import { recordEvents } from "../../platform/events";
import { ensureAllowed } from "../../platform/policy";
import { brandingPolicy } from "./branding.policy";
import * as repo from "./branding.repository";

export const DEFAULT_BRANDING = { companyName: "Customer support", primaryColor: "#1864ab" } as const;

export const LOGO_PATH = "/api/v1/branding/logo";

const present = (row: repo.BrandingRow | undefined): TBranding =>
  row
    ? {
        companyName: row.companyName,
        primaryColor: row.primaryColor,
        logoUrl: row.logoBlobId ? `${LOGO_PATH}?v=${row.version}` : null,
        version: row.version,
        updatedAt: row.updatedAt,
      }
    : { ...DEFAULT_BRANDING, logoUrl: null, version: 0, updatedAt: new Date(0) };

/** The company's name, logo and colour for every customer-facing page (web form, portal, help center, mail). */
export const getBranding = async (ctx: Pick<ServiceContext, "db">, db: DbOrTx = ctx.db): Promise<TBranding> =>
  present(await repo.find(db));

const auditable = (b: TBranding) => ({ companyName: b.companyName, primaryColor: b.primaryColor, logo: !!b.logoUrl });

export const updateBranding = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TUpdateBrandingInput,
): Promise<TBranding> => {
  ensureAllowed(brandingPolicy.can(actor, "manage", null), "Only admins change the branding");
  return await inTransaction(ctx, async (tx) => {
    const before = present(await repo.find(tx));
    const after = present(
      await repo.upsert(tx, DEFAULT_BRANDING, {
        ...(input.companyName !== undefined ? { companyName: input.companyName } : {}),
        ...(input.primaryColor !== undefined ? { primaryColor: input.primaryColor } : {}),
        updatedById: actorId(actor),
      }),
    );
    await recordEvents(tx, actor, [
      {
        type: "branding.updated",
        aggregateType: "branding",
        aggregateId: "branding",
        payload: { before: auditable(before), after: auditable(after) },
      },
    ]);
    return after;
  });
};

const sniffImage = (data: Buffer): (typeof BRANDING_LOGO_TYPES)[number] | null => {
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "image/jpeg";
  if (data.subarray(0, 4).toString("latin1") === "RIFF" && data.subarray(8, 12).toString("latin1") === "WEBP")
    return "image/webp";
  if (data.subarray(0, 4).toString("latin1") === "GIF8") return "image/gif";
  return null;
};

/** Replaces the logo; the bytes must be a PNG, JPEG, WebP or GIF image (never SVG, which can carry script). */
export const uploadLogo = async (ctx: ServiceContext, actor: AnyActor, data: Buffer): Promise<TBranding> => {
  ensureAllowed(brandingPolicy.can(actor, "manage", null), "Only admins change the branding");
  if (data.length > BRANDING_LOGO_MAX_BYTES) {
    throw new AppError("PAYLOAD_TOO_LARGE", `The logo may be at most ${BRANDING_LOGO_MAX_BYTES / 1024} KiB`, "file");
  }
  const contentType = sniffImage(data);
  if (!contentType) throw invalid("file", "The logo must be a PNG, JPEG, WebP or GIF image");
  return await inTransaction(ctx, async (tx) => {
    const logoBlobId = await ctx.blobs.put(tx, data);
    const after = present(
      await repo.upsert(tx, DEFAULT_BRANDING, {
        logoBlobId,
        logoContentType: contentType,
        updatedById: actorId(actor),
      }),
    );
    await recordEvents(tx, actor, [
      {
        type: "branding.updated",
        aggregateType: "branding",
        aggregateId: "branding",
        payload: { before: null, after: auditable(after) },
      },
    ]);
    return after;
  });
};

export const removeLogo = async (ctx: ServiceContext, actor: AnyActor): Promise<TBranding> => {
  ensureAllowed(brandingPolicy.can(actor, "manage", null), "Only admins change the branding");
  return await inTransaction(ctx, async (tx) => {
    const after = present(
      await repo.upsert(tx, DEFAULT_BRANDING, { logoBlobId: null, logoContentType: null, updatedById: actorId(actor) }),
    );
    await recordEvents(tx, actor, [
      {
        type: "branding.updated",
        aggregateType: "branding",
        aggregateId: "branding",
        payload: { before: null, after: auditable(after) },
      },
    ]);
    return after;
  });
};

/** The logo's bytes for the public logo URL. */
export const brandingLogo = async (ctx: ServiceContext): Promise<{ data: Buffer; contentType: string }> => {
  const row = await repo.find(ctx.db);
  const data = row?.logoBlobId ? await ctx.blobs.get(ctx.db, row.logoBlobId) : null;
  if (!row?.logoContentType || !data) throw notFound("Logo");
  return { data, contentType: row.logoContentType };
};
