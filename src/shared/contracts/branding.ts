import { z } from "zod";
import { zTimestamp } from "./common";

export const zHexColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #1864ab")
  .transform((s) => s.toLowerCase());

/** How customer-facing pages look; public (the web form and portal read it before anyone signs in). */
export const zBranding = z.object({
  companyName: z.string(),
  primaryColor: z.string(),
  /** Path of the logo image, or null when none was uploaded. */
  logoUrl: z.string().nullable(),
  version: z.number().int(),
  updatedAt: zTimestamp,
});
export type TBranding = z.output<typeof zBranding>;

export const zUpdateBrandingInput = z.strictObject({
  companyName: z.string().trim().min(1).max(120).optional(),
  primaryColor: zHexColor.optional(),
});
export type TUpdateBrandingInput = z.output<typeof zUpdateBrandingInput>;

export const BRANDING_LOGO_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
export const BRANDING_LOGO_MAX_BYTES = 512 * 1024;
