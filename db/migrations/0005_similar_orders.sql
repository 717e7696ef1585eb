-- 重复件合并: trigram similarity finds earlier complaints about the same matter.
-- pg_trgm is a trusted extension: a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX orders_category_area_created_idx ON orders (category_code, created_at);
