CREATE TABLE "hotspot_alert_orders" (
	"alert_id" bigint NOT NULL,
	"order_id" bigint NOT NULL,
	CONSTRAINT "hotspot_alert_orders_alert_id_order_id_pk" PRIMARY KEY("alert_id","order_id")
);
--> statement-breakpoint
CREATE TABLE "hotspot_alerts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hotspot_alerts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"matter_code" text NOT NULL,
	"area_code" text NOT NULL,
	"level" text NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"order_count" integer NOT NULL,
	"usual_rate" real NOT NULL,
	"state" text DEFAULT 'new' NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"acknowledged_by" text,
	"acknowledged_at" timestamp with time zone,
	"handled_by" text,
	"handled_at" timestamp with time zone,
	"note" text,
	CONSTRAINT "hotspot_alerts_state_check" CHECK (state in ('new', 'acknowledged', 'handled')),
	CONSTRAINT "hotspot_alerts_level_check" CHECK (level in ('community', 'street')),
	CONSTRAINT "hotspot_alerts_count_check" CHECK ("hotspot_alerts"."order_count" >= 1),
	CONSTRAINT "hotspot_alerts_handled_check" CHECK (("hotspot_alerts"."state" = 'handled') = ("hotspot_alerts"."handled_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "hotspot_alert_orders" ADD CONSTRAINT "hotspot_alert_orders_alert_id_hotspot_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."hotspot_alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hotspot_alert_orders" ADD CONSTRAINT "hotspot_alert_orders_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hotspot_alerts" ADD CONSTRAINT "hotspot_alerts_area_code_areas_code_fk" FOREIGN KEY ("area_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hotspot_alert_orders_order_idx" ON "hotspot_alert_orders" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "hotspot_alerts_key_idx" ON "hotspot_alerts" USING btree ("matter_code","area_code","last_at");--> statement-breakpoint
CREATE INDEX "hotspot_alerts_raised_idx" ON "hotspot_alerts" USING btree ("raised_at");