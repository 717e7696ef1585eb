/**
 * A sweeper in its own process, as another instance of the service would run it:
 * `node --import tsx test/support/sweep-child.ts <database url> <now ISO> <batch>`.
 * It prints "started" once connected, so the parent knows when to kill it.
 */
import postgres from 'postgres';
import { loadChineseDays } from '../../server/core/calendar.ts';
import { sweepDueClocks } from '../../server/jobs/sweeper.ts';
import { loadRules } from '../../server/rules/load.ts';

const [url, now, batch] = process.argv.slice(2);
const sql = postgres(url!, { max: 2, onnotice: () => {} });
await sql`select 1`;
process.stdout.write('started\n');
const result = await sweepDueClocks(sql, { policy: loadRules().deadlines, calendar: loadChineseDays() }, new Date(now!), { batch: Number(batch) });
process.stdout.write(`${JSON.stringify(result)}\n`);
await sql.end();
