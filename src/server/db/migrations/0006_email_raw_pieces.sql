CREATE TABLE "inbound_message_pieces" (
	"inbound_message_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "inbound_message_pieces_inbound_message_id_seq_pk" PRIMARY KEY("inbound_message_id","seq")
);
--> statement-breakpoint
ALTER TABLE "inbound_message_pieces" ADD CONSTRAINT "inbound_message_pieces_inbound_message_id_inbound_messages_id_fk" FOREIGN KEY ("inbound_message_id") REFERENCES "public"."inbound_messages"("id") ON DELETE cascade ON UPDATE no action;