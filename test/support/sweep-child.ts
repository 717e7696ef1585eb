/**
 * A sweeper in its own process, as another instance of the service would run it:
 * `node --import tsx test/support/sweep-child.ts <database url> <now ISO> <batch>`.
 * It prints "started" once connected and sweeps when a line arrives on stdin, so
 * that two of them start together and the parent can kill one halfway.
 */
import { once } from 'node:events';
import postgres from 'postgres';
import { sweepDueClocks } from '../../server/jobs/sweeper.ts';

const [url, now, batch] = process.argv.slice(2);
const sql = postgres(url!, { max: 2, onnotice: () => {} });
await sql`select 1`;
process.stdout.write('started\n');
await once(process.stdin, 'data');
process.stdin.destroy(); // an open stdin would keep this process alive
const result = await sweepDueClocks(sql, new Date(now!), { batch: Number(batch) });
process.stdout.write(`${JSON.stringify(result)}\n`);
await sql.end();
