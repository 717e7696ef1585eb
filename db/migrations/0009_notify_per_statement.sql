-- One notification per statement instead of one per event row: an intake writes
-- three events in one statement and a sweep batch a thousand, and every NOTIFY is
-- queued under one cluster-wide lock at commit. The ids go in chunks of 500, well
-- under NOTIFY's 8000-byte payload limit.
DROP TRIGGER order_events_notify ON order_events;
--> statement-breakpoint
DROP FUNCTION order_events_notify();
--> statement-breakpoint
CREATE FUNCTION order_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  chunk bigint[];
BEGIN
  FOR chunk IN
    SELECT array_agg(id ORDER BY id) FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / 500 AS part FROM new_events) n GROUP BY part ORDER BY part
  LOOP
    PERFORM pg_notify('order_events', json_build_object('ids', chunk)::text);
  END LOOP;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER order_events_notify
  AFTER INSERT ON order_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION order_events_notify();
