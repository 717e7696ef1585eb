CREATE TABLE "classifier_models" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "classifier_models_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"trained_at" timestamp with time zone NOT NULL,
	"example_count" integer NOT NULL,
	"through_example_id" bigint NOT NULL,
	"model" jsonb NOT NULL,
	CONSTRAINT "classifier_models_count_check" CHECK ("classifier_models"."example_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "place_alias_votes" (
	"order_id" bigint NOT NULL,
	"name" text NOT NULL,
	"area_code" text NOT NULL,
	"voted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "place_alias_votes_order_id_name_pk" PRIMARY KEY("order_id","name")
);
--> statement-breakpoint
CREATE TABLE "place_aliases" (
	"name" text NOT NULL,
	"area_code" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "place_aliases_name_area_code_pk" PRIMARY KEY("name","area_code"),
	CONSTRAINT "place_aliases_source_check" CHECK (source in ('imported', 'learned', 'manual')),
	CONSTRAINT "place_aliases_name_check" CHECK (length("place_aliases"."name") between 2 and 40)
);
--> statement-breakpoint
CREATE TABLE "training_examples" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "training_examples_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"source" text NOT NULL,
	"text" text NOT NULL,
	"category_code" text NOT NULL,
	"request_type" text,
	"area_code" text,
	"unit_id" text,
	"order_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_examples_source_check" CHECK (source in ('import', 'correction', 'redispatch')),
	CONSTRAINT "training_examples_text_check" CHECK (length("training_examples"."text") between 1 and 4000)
);
--> statement-breakpoint
ALTER TABLE "place_alias_votes" ADD CONSTRAINT "place_alias_votes_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "place_alias_votes" ADD CONSTRAINT "place_alias_votes_area_code_areas_code_fk" FOREIGN KEY ("area_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "place_aliases" ADD CONSTRAINT "place_aliases_area_code_areas_code_fk" FOREIGN KEY ("area_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_examples" ADD CONSTRAINT "training_examples_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "place_alias_votes_name_idx" ON "place_alias_votes" USING btree ("name");--> statement-breakpoint
CREATE INDEX "place_aliases_area_idx" ON "place_aliases" USING btree ("area_code");--> statement-breakpoint
CREATE UNIQUE INDEX "training_examples_key_idx" ON "training_examples" USING btree ("key");--> statement-breakpoint
CREATE INDEX "training_examples_order_idx" ON "training_examples" USING btree ("order_id");