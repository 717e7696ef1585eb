CREATE TABLE "qa_samples" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "qa_samples_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" bigint NOT NULL,
	"reason" text NOT NULL,
	"unit_id" text NOT NULL,
	"reply_event_id" bigint,
	"sampled_at" timestamp with time zone NOT NULL,
	"items" jsonb,
	"total" integer,
	"passed" boolean,
	"comment" text,
	"scored_by" text,
	"scored_at" timestamp with time zone,
	CONSTRAINT "qa_samples_reason_check" CHECK (reason in ('flagged', 'dissatisfied', 'random')),
	CONSTRAINT "qa_samples_scored_check" CHECK (("qa_samples"."scored_at" is null) = ("qa_samples"."total" is null) and ("qa_samples"."scored_at" is null) = ("qa_samples"."items" is null) and ("qa_samples"."scored_at" is null) = ("qa_samples"."passed" is null)),
	CONSTRAINT "qa_samples_total_check" CHECK ("qa_samples"."total" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_roles_check";--> statement-breakpoint
ALTER TABLE "qa_samples" ADD CONSTRAINT "qa_samples_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_samples" ADD CONSTRAINT "qa_samples_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_samples" ADD CONSTRAINT "qa_samples_reply_event_id_order_events_id_fk" FOREIGN KEY ("reply_event_id") REFERENCES "public"."order_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "qa_samples_order_key" ON "qa_samples" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "qa_samples_pending_idx" ON "qa_samples" USING btree ("sampled_at") WHERE "qa_samples"."scored_at" is null;--> statement-breakpoint
CREATE INDEX "qa_samples_unit_idx" ON "qa_samples" USING btree ("unit_id");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_roles_check" CHECK (cardinality(roles) >= 1 and roles <@ array['operator', 'dispatcher', 'handler', 'supervisor', 'admin', 'kb_editor', 'kb_admin', 'qa']::text[]);