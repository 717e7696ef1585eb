CREATE TABLE "open311_clients" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "open311_clients_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT "orders_channel_check";--> statement-breakpoint
CREATE UNIQUE INDEX "open311_clients_key_hash_idx" ON "open311_clients" USING btree ("key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "open311_clients_name_idx" ON "open311_clients" USING btree ("name");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_channel_check" CHECK (channel in ('phone', 'web', 'wechat', 'app', 'email', 'open311', 'other'));--> statement-breakpoint
-- GET requests.json lists the open311 channel's orders by date: a partial index keeps
-- that a range of this channel's rows rather than of every order of the 90 days. Kept
-- out of the drizzle schema, which holds the orders table in db/schema.ts.
CREATE INDEX "orders_open311_created_idx" ON "orders" USING btree ("created_at", "id") WHERE "channel" = 'open311';
