/**
 * `npm run kb:import -- FILE.jsonl [--unit UNIT]`: knowledge entries into the
 * service's database (DATABASE_URL's, or the embedded one), matched by title: a new
 * title is a new entry, a changed line a new version, an unchanged line nothing —
 * importing a file twice changes nothing. Lines without `status` land published when
 * `sample` is true and as drafts otherwise (server/kb/transfer.ts). The whole file is
 * checked first and written in one transaction: a bad line, named with its number and
 * field, leaves the database as it was.
 */
import fs from 'node:fs';
import { parseKbFile } from '../server/kb/transfer.ts';
import { kbServiceFor } from './kb-service.ts';
import { withServiceDatabase } from './service-database.ts';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const unitAt = args.indexOf('--unit');
if (!file) {
  console.error('usage: npm run kb:import -- FILE.jsonl [--unit UNIT]');
  process.exit(2);
}
try {
  const lines = parseKbFile(fs.readFileSync(file, 'utf8'));
  const result = await withServiceDatabase((db) =>
    kbServiceFor(db).importEntries(lines, { actor: `import:${file}`, unitId: unitAt >= 0 ? args[unitAt + 1] : undefined }),
  );
  console.log(`${file}: ${lines.length} lines, ${result.created} new entries, ${result.changed} changed, ${result.unchanged} unchanged`);
} catch (err) {
  console.error(`${file}: ${(err as Error).message}`);
  process.exit(1);
}
