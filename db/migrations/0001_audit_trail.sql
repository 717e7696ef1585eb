-- 痕迹管理: the history of an order cannot be rewritten, not even by the service itself.
CREATE FUNCTION order_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'order_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER order_events_no_update_delete
  BEFORE UPDATE OR DELETE ON order_events
  FOR EACH ROW EXECUTE FUNCTION order_events_append_only();
--> statement-breakpoint
CREATE TRIGGER order_events_no_truncate
  BEFORE TRUNCATE ON order_events
  FOR EACH STATEMENT EXECUTE FUNCTION order_events_append_only();
--> statement-breakpoint
-- Numbers read 12345-YYYYMMDD-NNNNNN in Beijing time. The serial part comes from a
-- sequence (no hot counter row to serialise intake on); the date keeps it unique
-- unless more than a million orders arrive in one day.
CREATE FUNCTION next_order_number(at timestamptz) RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT '12345-' || to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-'
      || lpad((nextval('order_number_seq') % 1000000)::text, 6, '0')
$$;
--> statement-breakpoint
-- 首问负责: the hotline centre owns every order until it is handed on.
INSERT INTO units (id, name, level, kind) VALUES ('hotline', '市便民专线服务中心', 'city', 'hotline');
