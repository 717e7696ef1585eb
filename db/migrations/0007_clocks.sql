CREATE TABLE "order_clocks" (
	"order_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"unit_id" text NOT NULL,
	"urgency_class" text NOT NULL,
	"basis" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"stopped_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"fired_stage" integer DEFAULT -1 NOT NULL,
	"next_at" timestamp with time zone,
	"extensions" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "order_clocks_order_id_kind_pk" PRIMARY KEY("order_id","kind"),
	CONSTRAINT "order_clocks_kind_check" CHECK (kind in ('accept', 'transfer', 'claim', 'first_reply', 'resolve')),
	CONSTRAINT "order_clocks_urgency_check" CHECK ("order_clocks"."urgency_class" in ('danger', 'outage', 'normal')),
	CONSTRAINT "order_clocks_due_check" CHECK ("order_clocks"."due_at" > "order_clocks"."started_at"),
	CONSTRAINT "order_clocks_basis_check" CHECK ("order_clocks"."basis" in ('natural', 'working'))
);
--> statement-breakpoint
CREATE TABLE "order_extensions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "order_extensions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" bigint NOT NULL,
	"clock_kind" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"requested_due_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	CONSTRAINT "order_extensions_status_check" CHECK ("order_extensions"."status" in ('pending', 'approved', 'rejected'))
);
--> statement-breakpoint
ALTER TABLE "order_clocks" ADD CONSTRAINT "order_clocks_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_clocks" ADD CONSTRAINT "order_clocks_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_extensions" ADD CONSTRAINT "order_extensions_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_clocks_next_idx" ON "order_clocks" USING btree ("next_at") WHERE "order_clocks"."next_at" is not null;--> statement-breakpoint
CREATE INDEX "order_clocks_unit_idx" ON "order_clocks" USING btree ("unit_id") WHERE "order_clocks"."stopped_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "order_extensions_pending_key" ON "order_extensions" USING btree ("order_id","clock_kind") WHERE "order_extensions"."status" = 'pending';