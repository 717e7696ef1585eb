-- A unit's ancestors (ids from the top down to itself) are kept by the database, so
-- "this unit and everything under it" is one indexed `ancestors @> array[id]`.
CREATE FUNCTION units_set_ancestors() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  NEW.ancestors := coalesce((SELECT ancestors FROM units WHERE id = NEW.parent_id), '{}'::text[]) || NEW.id;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER units_ancestors
  BEFORE INSERT OR UPDATE OF parent_id ON units
  FOR EACH ROW EXECUTE FUNCTION units_set_ancestors();
--> statement-breakpoint
WITH RECURSIVE tree AS (
  SELECT id, ARRAY[id] AS ancestors FROM units WHERE parent_id IS NULL
  UNION ALL
  SELECT u.id, t.ancestors || u.id FROM units u JOIN tree t ON u.parent_id = t.id
)
UPDATE units SET ancestors = tree.ancestors FROM tree WHERE units.id = tree.id;
