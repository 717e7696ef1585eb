CREATE TABLE "objection_proposals" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "objection_proposals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"objection_id" bigint NOT NULL,
	"category_code" text NOT NULL,
	"from_unit_id" text NOT NULL,
	"to_unit_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_objections" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "order_objections_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" bigint NOT NULL,
	"unit_id" text NOT NULL,
	"category_code" text,
	"reason_code" text NOT NULL,
	"reason" text NOT NULL,
	"duty_unit_id" text,
	"duty_basis" text NOT NULL,
	"filed_by" text NOT NULL,
	"filed_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"redispatched_unit_id" text,
	CONSTRAINT "order_objections_reason_check" CHECK ("order_objections"."reason_code" in ('other_unit_duty', 'higher_level_duty', 'wrong_area', 'not_government_duty', 'other')),
	CONSTRAINT "order_objections_status_check" CHECK ("order_objections"."status" in ('pending', 'upheld', 'rejected')),
	CONSTRAINT "order_objections_decided_check" CHECK (("order_objections"."status" = 'pending') = ("order_objections"."decided_at" is null)),
	CONSTRAINT "order_objections_upheld_check" CHECK (("order_objections"."status" = 'upheld') = ("order_objections"."redispatched_unit_id" is not null)),
	CONSTRAINT "order_objections_text_check" CHECK (length("order_objections"."reason") between 1 and 1000 and length("order_objections"."duty_basis") between 1 and 1000)
);
--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_roles_check";--> statement-breakpoint
DROP INDEX "order_events_steps_idx";--> statement-breakpoint
ALTER TABLE "objection_proposals" ADD CONSTRAINT "objection_proposals_objection_id_order_objections_id_fk" FOREIGN KEY ("objection_id") REFERENCES "public"."order_objections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_proposals" ADD CONSTRAINT "objection_proposals_from_unit_id_units_id_fk" FOREIGN KEY ("from_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_proposals" ADD CONSTRAINT "objection_proposals_to_unit_id_units_id_fk" FOREIGN KEY ("to_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_objections" ADD CONSTRAINT "order_objections_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_objections" ADD CONSTRAINT "order_objections_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_objections" ADD CONSTRAINT "order_objections_duty_unit_id_units_id_fk" FOREIGN KEY ("duty_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_objections" ADD CONSTRAINT "order_objections_redispatched_unit_id_units_id_fk" FOREIGN KEY ("redispatched_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "objection_proposals_objection_key" ON "objection_proposals" USING btree ("objection_id");--> statement-breakpoint
CREATE INDEX "objection_proposals_category_idx" ON "objection_proposals" USING btree ("category_code");--> statement-breakpoint
CREATE UNIQUE INDEX "order_objections_pending_key" ON "order_objections" USING btree ("order_id") WHERE "order_objections"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "order_objections_order_idx" ON "order_objections" USING btree ("order_id","id");--> statement-breakpoint
CREATE INDEX "order_objections_due_idx" ON "order_objections" USING btree ("due_at") WHERE "order_objections"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "order_objections_unit_idx" ON "order_objections" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "order_events_steps_idx" ON "order_events" USING btree ("order_id","action","unit_id") WHERE "order_events"."action" in ('claim', 'answer', 'dispatch', 'redispatch', 'hand_down', 'return', 'reopen', 'uphold_objection');--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_roles_check" CHECK (cardinality(roles) >= 1 and roles <@ array['operator', 'dispatcher', 'handler', 'supervisor', 'admin', 'kb_editor', 'kb_admin', 'qa', 'reviewer']::text[]);