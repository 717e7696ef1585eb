-- Boards and inboxes ask for the running clocks held anywhere in a unit's subtree.
-- Joining every running clock to its unit to test the unit's ancestors costs a
-- street's inbox as much as the whole city's board; with the holder's ancestors
-- stored on the clock as a path ('120000/120101/120101001/'), a subtree is one range
-- of one index. The path is kept by the database: set whenever a clock's unit is,
-- and refreshed if a unit ever moves in the tree.
DROP INDEX "order_clocks_unit_idx";--> statement-breakpoint
ALTER TABLE "order_clocks" ADD COLUMN "unit_path" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE FUNCTION unit_path_of(unit text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT array_to_string(ancestors, '/') || '/' FROM units WHERE id = unit
$$;
--> statement-breakpoint
CREATE FUNCTION order_clocks_set_unit_path() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.unit_path := unit_path_of(NEW.unit_id);
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER order_clocks_unit_path
  BEFORE INSERT OR UPDATE OF unit_id ON order_clocks
  FOR EACH ROW EXECUTE FUNCTION order_clocks_set_unit_path();
--> statement-breakpoint
CREATE FUNCTION units_move_clock_paths() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE order_clocks SET unit_path = unit_path_of(NEW.id) WHERE unit_id = NEW.id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER units_move_clock_paths
  AFTER UPDATE ON units
  FOR EACH ROW WHEN (OLD.ancestors IS DISTINCT FROM NEW.ancestors)
  EXECUTE FUNCTION units_move_clock_paths();
--> statement-breakpoint
UPDATE order_clocks c SET unit_path = array_to_string(u.ancestors, '/') || '/' FROM units u WHERE u.id = c.unit_id;--> statement-breakpoint
CREATE INDEX "order_clocks_unit_path_idx" ON "order_clocks" USING btree ("unit_path" collate "C","due_at") WHERE "order_clocks"."stopped_at" is null;
