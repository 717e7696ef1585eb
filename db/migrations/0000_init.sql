CREATE SEQUENCE "public"."order_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 20;--> statement-breakpoint
CREATE TABLE "order_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "order_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"unit_id" text,
	"reason" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "order_events_to_status_check" CHECK (to_status in ('received', 'accepted', 'dispatched', 'claimed', 'replied', 'closed', 'returned', 'reopened', 'merged', 'transferred_out'))
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "orders_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"number" text NOT NULL,
	"channel" text NOT NULL,
	"channel_message_id" text,
	"idempotency_key" text,
	"request_hash" text,
	"citizen_name" text,
	"citizen_phone" text,
	"content" text NOT NULL,
	"location_text" text,
	"category_code" text,
	"urgency" text DEFAULT 'normal' NOT NULL,
	"area_code" text,
	"current_unit_id" text NOT NULL,
	"unit_path" text[] NOT NULL,
	"status" text NOT NULL,
	"merged_into_id" bigint,
	"transfer_target" text,
	"dispatch_count" integer DEFAULT 0 NOT NULL,
	"return_count" integer DEFAULT 0 NOT NULL,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"reply_text" text,
	"satisfaction" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"dispatched_at" timestamp with time zone,
	"claimed_at" timestamp with time zone,
	"replied_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	CONSTRAINT "orders_channel_check" CHECK (channel in ('phone', 'web', 'wechat', 'app', 'email', 'other')),
	CONSTRAINT "orders_status_check" CHECK (status in ('received', 'accepted', 'dispatched', 'claimed', 'replied', 'closed', 'returned', 'reopened', 'merged', 'transferred_out')),
	CONSTRAINT "orders_urgency_check" CHECK ("orders"."urgency" in ('urgent', 'normal')),
	CONSTRAINT "orders_area_code_check" CHECK (area_code ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
	CONSTRAINT "orders_number_check" CHECK ("orders"."number" ~ '^12345-[0-9]{8}-[0-9]{6}$'),
	CONSTRAINT "orders_content_check" CHECK (length("orders"."content") between 1 and 10000),
	CONSTRAINT "orders_counts_check" CHECK ("orders"."dispatch_count" >= 0 and "orders"."return_count" >= 0 and "orders"."reopen_count" >= 0),
	CONSTRAINT "orders_merged_check" CHECK (("orders"."status" = 'merged') = ("orders"."merged_into_id" is not null)),
	CONSTRAINT "orders_transfer_check" CHECK (("orders"."status" = 'transferred_out') = ("orders"."transfer_target" is not null)),
	CONSTRAINT "orders_satisfaction_check" CHECK (satisfaction in ('satisfied', 'basically_satisfied', 'unsatisfied')),
	CONSTRAINT "orders_transfer_target_check" CHECK (transfer_target in ('110', 'beijing', 'hebei', 'other')),
	CONSTRAINT "orders_unit_path_check" CHECK (cardinality("orders"."unit_path") >= 1 and "orders"."unit_path"[1] = 'hotline' and "orders"."unit_path"[cardinality("orders"."unit_path")] = "orders"."current_unit_id")
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"kind" text NOT NULL,
	"area_code" text,
	"parent_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "units_level_check" CHECK (level in ('city', 'district', 'street', 'community')),
	CONSTRAINT "units_kind_check" CHECK (kind in ('hotline', 'government', 'department')),
	CONSTRAINT "units_area_code_check" CHECK (area_code ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
	CONSTRAINT "units_id_check" CHECK (length("units"."id") between 1 and 64)
);
--> statement-breakpoint
ALTER TABLE "order_events" ADD CONSTRAINT "order_events_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_events" ADD CONSTRAINT "order_events_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_current_unit_id_units_id_fk" FOREIGN KEY ("current_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_merged_into_id_orders_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_parent_id_units_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_events_order_idx" ON "order_events" USING btree ("order_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_number_key" ON "orders" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_idempotency_key" ON "orders" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_channel_message_key" ON "orders" USING btree ("channel","channel_message_id");--> statement-breakpoint
CREATE INDEX "orders_status_idx" ON "orders" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "orders_unit_idx" ON "orders" USING btree ("current_unit_id","id");--> statement-breakpoint
CREATE INDEX "orders_area_idx" ON "orders" USING btree ("area_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "orders_created_idx" ON "orders" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "units_parent_idx" ON "units" USING btree ("parent_id");