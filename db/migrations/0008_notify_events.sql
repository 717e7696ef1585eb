-- Live status: every event is announced on channel order_events when, and only
-- if, its transaction commits; every instance LISTENs, so a change made through
-- one instance reaches the clients of all of them.
CREATE FUNCTION order_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('order_events', json_build_object('id', NEW.id, 'orderId', NEW.order_id, 'action', NEW.action)::text);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER order_events_notify
  AFTER INSERT ON order_events
  FOR EACH ROW EXECUTE FUNCTION order_events_notify();
