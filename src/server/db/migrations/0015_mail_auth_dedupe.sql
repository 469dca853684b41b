ALTER TABLE "email_message_details" ADD COLUMN "auth" jsonb;--> statement-breakpoint
ALTER TABLE "email_message_details" ADD COLUMN "automatic" text;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
CREATE INDEX "inbound_messages_dedupe_key_idx" ON "inbound_messages" USING btree ("dedupe_key");