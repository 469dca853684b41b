CREATE TABLE "executive_letter_settings" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"executive_id" uuid,
	"message" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "executive_letter_settings_singleton" CHECK ("executive_letter_settings"."singleton"),
	CONSTRAINT "executive_letter_settings_enabled_complete" CHECK (NOT "executive_letter_settings"."enabled" OR ("executive_letter_settings"."executive_id" IS NOT NULL AND length("executive_letter_settings"."message") > 0))
);
--> statement-breakpoint
ALTER TABLE "executive_letter_settings" ADD CONSTRAINT "executive_letter_settings_executive_id_users_id_fk" FOREIGN KEY ("executive_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executive_letter_settings" ADD CONSTRAINT "executive_letter_settings_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;