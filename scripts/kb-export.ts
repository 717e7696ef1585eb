/**
 * `npm run kb:export -- FILE.jsonl`: every knowledge entry, its current version, in
 * the import's format (one JSON object a line, with `status` and `sample`), by id.
 * Importing the export into the same database changes nothing.
 */
import fs from 'node:fs';
import { kbServiceFor } from './kb-service.ts';
import { withServiceDatabase } from './service-database.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run kb:export -- FILE.jsonl');
  process.exit(2);
}
const lines = await withServiceDatabase((db) => kbServiceFor(db).exportEntries());
fs.writeFileSync(file, lines.map((l) => JSON.stringify(l) + '\n').join(''));
console.log(`${file}: ${lines.length} entries`);
