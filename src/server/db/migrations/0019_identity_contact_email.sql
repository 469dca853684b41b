CREATE TABLE "contact_email_confirmations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contact_id" uuid NOT NULL,
	"email" text NOT NULL,
	"emails" text[] NOT NULL,
	"token_hash" text NOT NULL,
	"requested_by_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contact_email_confirmations" ADD CONSTRAINT "contact_email_confirmations_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_email_confirmations" ADD CONSTRAINT "contact_email_confirmations_requested_by_id_users_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contact_email_confirmations_token_key" ON "contact_email_confirmations" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "contact_email_confirmations_contact_key" ON "contact_email_confirmations" USING btree ("contact_id");