CREATE TABLE "areas" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"parent_code" text,
	CONSTRAINT "areas_level_check" CHECK (level in ('city', 'district', 'street', 'community')),
	CONSTRAINT "areas_code_check" CHECK (code ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
	CONSTRAINT "areas_parent_check" CHECK (("areas"."level" = 'city') = ("areas"."parent_code" is null))
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "classification" jsonb;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "department_key" text;--> statement-breakpoint
ALTER TABLE "areas" ADD CONSTRAINT "areas_parent_code_areas_code_fk" FOREIGN KEY ("parent_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "areas_parent_idx" ON "areas" USING btree ("parent_code");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_area_code_areas_code_fk" FOREIGN KEY ("area_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_area_code_areas_code_fk" FOREIGN KEY ("area_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "units_area_idx" ON "units" USING btree ("area_code");--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_department_check" CHECK (("units"."kind" = 'department') = ("units"."department_key" is not null));