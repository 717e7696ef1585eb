CREATE TABLE "kb_entries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "kb_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"title" text NOT NULL,
	"body" text NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"synonyms" text[] DEFAULT '{}'::text[] NOT NULL,
	"category_code" text,
	"issuer" text,
	"policy_basis" text,
	"material_type" text,
	"area_code" text,
	"effective_from" date,
	"expires_on" date,
	"status" text NOT NULL,
	"unit_id" text NOT NULL,
	"version" integer NOT NULL,
	"sample" boolean DEFAULT false NOT NULL,
	"source_order_id" bigint,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "kb_entries_status_check" CHECK (status in ('draft', 'published', 'expired', 'withdrawn')),
	CONSTRAINT "kb_entries_material_type_check" CHECK (material_type in ('guide', 'policy', 'faq', 'notice', 'other')),
	CONSTRAINT "kb_entries_title_check" CHECK (length("kb_entries"."title") between 1 and 128),
	CONSTRAINT "kb_entries_body_check" CHECK (length("kb_entries"."body") between 1 and 8000),
	CONSTRAINT "kb_entries_dates_check" CHECK ("kb_entries"."expires_on" is null or "kb_entries"."effective_from" is null or "kb_entries"."expires_on" > "kb_entries"."effective_from"),
	CONSTRAINT "kb_entries_version_check" CHECK ("kb_entries"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "kb_entry_versions" (
	"entry_id" bigint NOT NULL,
	"version" integer NOT NULL,
	"change" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"note" text,
	CONSTRAINT "kb_entry_versions_entry_id_version_pk" PRIMARY KEY("entry_id","version"),
	CONSTRAINT "kb_entry_versions_change_check" CHECK (change in ('create', 'edit', 'publish', 'withdraw', 'expire', 'rollback'))
);
--> statement-breakpoint
CREATE TABLE "order_kb_uses" (
	"event_id" bigint NOT NULL,
	"entry_id" bigint NOT NULL,
	"order_id" bigint NOT NULL,
	"version" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "order_kb_uses_event_id_entry_id_pk" PRIMARY KEY("event_id","entry_id")
);
--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_roles_check";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "request_type" text DEFAULT 'complaint' NOT NULL;--> statement-breakpoint
ALTER TABLE "kb_entries" ADD CONSTRAINT "kb_entries_area_code_areas_code_fk" FOREIGN KEY ("area_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_entries" ADD CONSTRAINT "kb_entries_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_entries" ADD CONSTRAINT "kb_entries_source_order_id_orders_id_fk" FOREIGN KEY ("source_order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_entry_versions" ADD CONSTRAINT "kb_entry_versions_entry_id_kb_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."kb_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_kb_uses" ADD CONSTRAINT "order_kb_uses_event_id_order_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."order_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_kb_uses" ADD CONSTRAINT "order_kb_uses_entry_id_kb_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."kb_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_kb_uses" ADD CONSTRAINT "order_kb_uses_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "kb_entries_title_key" ON "kb_entries" USING btree ("title");--> statement-breakpoint
CREATE INDEX "kb_entries_unit_idx" ON "kb_entries" USING btree ("unit_id","status");--> statement-breakpoint
CREATE INDEX "kb_entries_expires_idx" ON "kb_entries" USING btree ("expires_on");--> statement-breakpoint
CREATE INDEX "order_kb_uses_entry_idx" ON "order_kb_uses" USING btree ("entry_id","at");--> statement-breakpoint
CREATE INDEX "order_kb_uses_order_idx" ON "order_kb_uses" USING btree ("order_id");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_request_type_check" CHECK ("orders"."request_type" in ('consultation', 'help', 'complaint', 'report', 'suggestion', 'praise', 'other'));--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_roles_check" CHECK (cardinality(roles) >= 1 and roles <@ array['operator', 'dispatcher', 'handler', 'supervisor', 'admin', 'kb_editor', 'kb_admin']::text[]);--> statement-breakpoint
-- Orders from before request types: what the rules read at intake, where they recorded it.
UPDATE "orders" SET "request_type" = "classification"->'requestType'->>'code'
  WHERE "classification"->'requestType'->>'code' in ('consultation', 'help', 'complaint', 'report', 'suggestion', 'praise', 'other');
--> statement-breakpoint
-- 知识库组: the hotline's knowledge team, which answers consultations no entry covers (知识缺口).
INSERT INTO "units" ("id", "name", "level", "kind", "parent_id", "ancestors")
  VALUES ('hotline-kb', '市便民专线服务中心知识库组', 'city', 'hotline', 'hotline', '{hotline,hotline-kb}')
  ON CONFLICT ("id") DO NOTHING;
--> statement-breakpoint
-- Every version of a knowledge entry stays on record, like the order trail.
CREATE FUNCTION kb_entry_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'kb_entry_versions is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER kb_entry_versions_no_update_delete
  BEFORE UPDATE OR DELETE ON kb_entry_versions
  FOR EACH ROW EXECUTE FUNCTION kb_entry_versions_append_only();
--> statement-breakpoint
CREATE TRIGGER kb_entry_versions_no_truncate
  BEFORE TRUNCATE ON kb_entry_versions
  FOR EACH STATEMENT EXECUTE FUNCTION kb_entry_versions_append_only();
