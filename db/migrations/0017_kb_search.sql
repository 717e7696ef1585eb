ALTER TABLE "kb_entries" ADD COLUMN "search_tokens" "tsvector" DEFAULT ''::tsvector NOT NULL;--> statement-breakpoint
CREATE INDEX "kb_entries_search_idx" ON "kb_entries" USING gin ("search_tokens");--> statement-breakpoint
CREATE INDEX "kb_entries_published_idx" ON "kb_entries" USING btree ("effective_from","expires_on") WHERE "kb_entries"."status" = 'published';--> statement-breakpoint
-- Trigram similarity of a question to the titles: the search's fallback when no word
-- of the question is indexed (a typo, an unknown word). Kept out of the drizzle schema,
-- which cannot name an operator class of an extension.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX "kb_entries_title_trgm_idx" ON "kb_entries" USING gin ("title" gin_trgm_ops);
