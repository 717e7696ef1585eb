CREATE TABLE "daily_reports" (
	"kind" text NOT NULL,
	"first_day" date NOT NULL,
	"generated_at" timestamp with time zone NOT NULL,
	"body" jsonb NOT NULL,
	CONSTRAINT "daily_reports_kind_first_day_pk" PRIMARY KEY("kind","first_day"),
	CONSTRAINT "daily_reports_kind_check" CHECK (kind in ('day', 'week'))
);
