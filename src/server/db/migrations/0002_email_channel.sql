CREATE TABLE "auto_acknowledgements" (
	"sender" text PRIMARY KEY NOT NULL,
	"last_sent_at" timestamp with time zone NOT NULL,
	"case_id" uuid
);
--> statement-breakpoint
CREATE TABLE "email_attachment_parts" (
	"attachment_id" uuid PRIMARY KEY NOT NULL,
	"content_id" text,
	"inline" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_message_details" (
	"message_id" uuid PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"inbound_message_id" uuid,
	"support_address_id" uuid,
	"header_message_id" text,
	"from_address" text,
	"to" text[] DEFAULT '{}'::text[] NOT NULL,
	"cc" text[] DEFAULT '{}'::text[] NOT NULL,
	"subject" text,
	"quoted_text" text,
	"blocked_remote_images" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_participants" (
	"case_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"role" text NOT NULL,
	"pending_review" boolean DEFAULT false NOT NULL,
	"inbound_message_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_participants_case_id_contact_id_pk" PRIMARY KEY("case_id","contact_id")
);
--> statement-breakpoint
CREATE TABLE "imap_mailboxes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"support_address_id" uuid NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"tls" boolean DEFAULT true NOT NULL,
	"username" text NOT NULL,
	"password_encrypted" text NOT NULL,
	"folder" text DEFAULT 'INBOX' NOT NULL,
	"after_import" text DEFAULT 'mark_seen' NOT NULL,
	"move_to_folder" text,
	"poll_interval_seconds" integer DEFAULT 60 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"state" text DEFAULT 'idle' NOT NULL,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"imported_count" bigint DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "imap_mailboxes_move_target" CHECK ("imap_mailboxes"."after_import" <> 'move' OR ("imap_mailboxes"."move_to_folder" IS NOT NULL AND "imap_mailboxes"."move_to_folder" <> "imap_mailboxes"."folder")),
	CONSTRAINT "imap_mailboxes_port" CHECK ("imap_mailboxes"."port" BETWEEN 1 AND 65535)
);
--> statement-breakpoint
CREATE TABLE "inbound_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"sha256" text NOT NULL,
	"raw" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"envelope" jsonb NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"problems" text[] DEFAULT '{}'::text[] NOT NULL,
	"parse_attempts" integer DEFAULT 0 NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"header_message_id" text,
	"from_address" text,
	"subject" text,
	"case_id" uuid,
	"message_id" uuid,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "inbound_messages_source" CHECK ("inbound_messages"."source" = 'smtp' OR "inbound_messages"."source" LIKE 'imap:%')
);
--> statement-breakpoint
CREATE TABLE "outbound_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"case_id" uuid NOT NULL,
	"message_id" uuid,
	"author_user_id" uuid,
	"support_address_id" uuid,
	"from_address" text NOT NULL,
	"from_name" text NOT NULL,
	"to" text[] NOT NULL,
	"cc" text[] DEFAULT '{}'::text[] NOT NULL,
	"subject" text NOT NULL,
	"header_message_id" text NOT NULL,
	"headers" jsonb NOT NULL,
	"body_text" text NOT NULL,
	"body_html" text,
	"attachment_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_response" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "support_addresses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"address" text NOT NULL,
	"name" text NOT NULL,
	"team_id" uuid NOT NULL,
	"executive_user_id" uuid,
	"auto_acknowledge" boolean DEFAULT true NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_addresses_address_lower" CHECK ("support_addresses"."address" = lower("support_addresses"."address"))
);
--> statement-breakpoint
ALTER TABLE "auto_acknowledgements" ADD CONSTRAINT "auto_acknowledgements_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_attachment_parts" ADD CONSTRAINT "email_attachment_parts_attachment_id_attachments_id_fk" FOREIGN KEY ("attachment_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_message_details" ADD CONSTRAINT "email_message_details_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_message_details" ADD CONSTRAINT "email_message_details_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_message_details" ADD CONSTRAINT "email_message_details_inbound_message_id_inbound_messages_id_fk" FOREIGN KEY ("inbound_message_id") REFERENCES "public"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_message_details" ADD CONSTRAINT "email_message_details_support_address_id_support_addresses_id_fk" FOREIGN KEY ("support_address_id") REFERENCES "public"."support_addresses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_participants" ADD CONSTRAINT "email_participants_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_participants" ADD CONSTRAINT "email_participants_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_participants" ADD CONSTRAINT "email_participants_inbound_message_id_inbound_messages_id_fk" FOREIGN KEY ("inbound_message_id") REFERENCES "public"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imap_mailboxes" ADD CONSTRAINT "imap_mailboxes_support_address_id_support_addresses_id_fk" FOREIGN KEY ("support_address_id") REFERENCES "public"."support_addresses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD CONSTRAINT "outbound_messages_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD CONSTRAINT "outbound_messages_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD CONSTRAINT "outbound_messages_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD CONSTRAINT "outbound_messages_support_address_id_support_addresses_id_fk" FOREIGN KEY ("support_address_id") REFERENCES "public"."support_addresses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_addresses" ADD CONSTRAINT "support_addresses_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_addresses" ADD CONSTRAINT "support_addresses_executive_user_id_users_id_fk" FOREIGN KEY ("executive_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_message_details_case_idx" ON "email_message_details" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE INDEX "email_participants_contact_idx" ON "email_participants" USING btree ("contact_id");--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_messages_source_sha256_key" ON "inbound_messages" USING btree ("source","sha256");--> statement-breakpoint
CREATE INDEX "inbound_messages_pending_idx" ON "inbound_messages" USING btree ("received_at") WHERE "inbound_messages"."status" = 'received';--> statement-breakpoint
CREATE INDEX "inbound_messages_status_idx" ON "inbound_messages" USING btree ("status","received_at","id");--> statement-breakpoint
CREATE INDEX "inbound_messages_header_message_id_idx" ON "inbound_messages" USING btree ("header_message_id");--> statement-breakpoint
CREATE INDEX "inbound_messages_case_idx" ON "inbound_messages" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "outbound_messages_message_key" ON "outbound_messages" USING btree ("message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "outbound_messages_header_message_id_key" ON "outbound_messages" USING btree ("header_message_id");--> statement-breakpoint
CREATE INDEX "outbound_messages_due_idx" ON "outbound_messages" USING btree ("next_attempt_at") WHERE "outbound_messages"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "outbound_messages_status_idx" ON "outbound_messages" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "outbound_messages_case_idx" ON "outbound_messages" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "support_addresses_address_key" ON "support_addresses" USING btree ("address");