CREATE TABLE "order_assists" (
	"order_id" bigint NOT NULL,
	"unit_id" text NOT NULL,
	"status" text NOT NULL,
	"assigned_at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone,
	"replied_at" timestamp with time zone,
	"reply_text" text,
	CONSTRAINT "order_assists_order_id_unit_id_pk" PRIMARY KEY("order_id","unit_id"),
	CONSTRAINT "order_assists_status_check" CHECK ("order_assists"."status" in ('assigned', 'claimed', 'replied'))
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"unit_id" text NOT NULL,
	"roles" text[] NOT NULL,
	"password_hash" text NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_roles_check" CHECK (cardinality(roles) >= 1 and roles <@ array['operator', 'dispatcher', 'handler', 'supervisor', 'admin']::text[]),
	CONSTRAINT "users_username_check" CHECK ("users"."username" ~ '^[a-z0-9_.-]{3,40}$')
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "designated" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "claimed_by_unit_id" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "urge_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "supervised_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "ancestors" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "order_assists" ADD CONSTRAINT "order_assists_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_assists" ADD CONSTRAINT "order_assists_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_assists_unit_idx" ON "order_assists" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_key" ON "users" USING btree ("username");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_claimed_by_unit_id_units_id_fk" FOREIGN KEY ("claimed_by_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "units_ancestors_idx" ON "units" USING gin ("ancestors");