ALTER TABLE "outbound_messages" ALTER COLUMN "case_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD COLUMN "purpose" text;