CREATE TABLE "calls" (
	"call_id" text PRIMARY KEY NOT NULL,
	"caller_number" text,
	"called_number" text,
	"agent_id" text,
	"started_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"recording_ref" text,
	"transcript" text,
	"events" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"order_id" bigint,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbound_messages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "inbound_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"raw" text NOT NULL,
	"order_id" bigint
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "channel_user_id" text;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calls_agent_idx" ON "calls" USING btree ("agent_id","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_messages_key" ON "inbound_messages" USING btree ("channel","dedupe_key");--> statement-breakpoint
CREATE INDEX "inbound_messages_order_idx" ON "inbound_messages" USING btree ("order_id");