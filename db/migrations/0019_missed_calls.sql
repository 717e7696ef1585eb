CREATE TABLE "missed_call_calls" (
	"call_id" text PRIMARY KEY NOT NULL,
	"missed_call_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "missed_calls" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "missed_calls_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"caller_number" text NOT NULL,
	"missed_count" integer DEFAULT 1 NOT NULL,
	"first_missed_at" timestamp with time zone NOT NULL,
	"last_missed_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_at" timestamp with time zone,
	"first_attempt_at" timestamp with time zone,
	"trail" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"order_id" bigint,
	"skipped_by_call" text,
	"closed_at" timestamp with time zone,
	"closed_by" text,
	CONSTRAINT "missed_calls_state_check" CHECK (state in ('open', 'reached', 'unreached', 'skipped')),
	CONSTRAINT "missed_calls_closed_check" CHECK (("missed_calls"."state" = 'open') = ("missed_calls"."closed_at" is null)),
	CONSTRAINT "missed_calls_next_check" CHECK (("missed_calls"."state" = 'open') = ("missed_calls"."next_at" is not null)),
	CONSTRAINT "missed_calls_counts_check" CHECK ("missed_calls"."missed_count" >= 1 and "missed_calls"."attempts" >= 0)
);
--> statement-breakpoint
ALTER TABLE "missed_call_calls" ADD CONSTRAINT "missed_call_calls_call_id_calls_call_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("call_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "missed_call_calls" ADD CONSTRAINT "missed_call_calls_missed_call_id_missed_calls_id_fk" FOREIGN KEY ("missed_call_id") REFERENCES "public"."missed_calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "missed_calls" ADD CONSTRAINT "missed_calls_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "missed_calls" ADD CONSTRAINT "missed_calls_skipped_by_call_calls_call_id_fk" FOREIGN KEY ("skipped_by_call") REFERENCES "public"."calls"("call_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "missed_call_calls_task_idx" ON "missed_call_calls" USING btree ("missed_call_id");--> statement-breakpoint
CREATE INDEX "missed_calls_open_idx" ON "missed_calls" USING btree ("next_at") WHERE "missed_calls"."state" = 'open';--> statement-breakpoint
CREATE INDEX "missed_calls_number_idx" ON "missed_calls" USING btree ("caller_number","first_missed_at");--> statement-breakpoint
CREATE INDEX "missed_calls_first_missed_idx" ON "missed_calls" USING btree ("first_missed_at");