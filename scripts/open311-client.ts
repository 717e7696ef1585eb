/**
 * Register an Open311 client and print its api_key, once: only its SHA-256 is kept.
 *
 *   npm run open311:client -- NAME             a new client (a name not yet taken)
 *   npm run open311:client -- --disable NAME   refuse its key from now on
 */
import { disableOpen311Client, insertOpen311Client } from '../db/queries/open311.ts';
import { hashApiKey, newApiKey } from '../server/open311/service.ts';
import { withServiceDatabase } from './service-database.ts';

const args = process.argv.slice(2);
const disable = args[0] === '--disable';
const name = (disable ? args[1] : args[0])?.trim();
if (!name || name.startsWith('--') || name.length > 100) {
  console.error('usage: npm run open311:client -- NAME   |   npm run open311:client -- --disable NAME');
  process.exit(2);
}
try {
  await withServiceDatabase(async (db) => {
    if (disable) {
      const done = await disableOpen311Client(db.db, name, new Date());
      console.log(done ? `${name}: disabled; its api_key is refused from now on` : `${name}: no enabled client of that name`);
      if (!done) process.exitCode = 1;
      return;
    }
    const key = newApiKey();
    const client = await insertOpen311Client(db.db, name, hashApiKey(key));
    console.log(`Open311 client ${client.id} "${client.name}" registered. Its api_key (shown this once, not stored):\n\n  ${key}\n`);
  });
} catch (err) {
  const taken =
    (err as { cause?: { code?: string }; code?: string }).cause?.code === '23505' || (err as { code?: string }).code === '23505';
  console.error(taken ? `${name}: a client of that name already exists` : (err as Error).message);
  process.exit(1);
}
