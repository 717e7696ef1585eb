import { defineConfig } from 'drizzle-kit';

// drizzle-kit only generates migrations here; they are applied at start-up by db/migrate.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './db/schema.ts',
    './db/schema-understanding.ts',
    './db/schema-knowledge.ts',
    './db/schema-open311.ts',
    './db/schema-missed-calls.ts',
    './db/schema-hotspots.ts',
    './db/schema-daily-reports.ts',
    './db/schema-qa.ts',
    './db/schema-objections.ts',
  ],
  out: './db/migrations',
  strict: true,
});
