CREATE TABLE "branding" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"company_name" text NOT NULL,
	"primary_color" text NOT NULL,
	"logo_blob_id" uuid,
	"logo_content_type" text,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "branding_singleton" CHECK ("branding"."singleton"),
	CONSTRAINT "branding_primary_color_hex" CHECK ("branding"."primary_color" ~ '^#[0-9a-f]{6}$')
);
--> statement-breakpoint
ALTER TABLE "branding" ADD CONSTRAINT "branding_logo_blob_id_blobs_id_fk" FOREIGN KEY ("logo_blob_id") REFERENCES "public"."blobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branding" ADD CONSTRAINT "branding_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;