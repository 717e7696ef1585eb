/**
 * `understanding_changed`: what the service has learned (place aliases, a text
 * model) changed in the database; every instance rebuilds its classifier. The
 * notice is sent in the transaction that made the change, so it arrives only
 * once that change is visible.
 */
import { sql as q } from 'drizzle-orm';
import type { Database, Sql } from '../client.ts';
import type { Tx } from './actions.ts';

export const UNDERSTANDING_CHANGED = 'understanding_changed';

/** What changed; listeners refresh whatever it is, the kind is for logs. */
export interface UnderstandingChange {
  kind: string;
}

export async function announceUnderstandingChanged(tx: Tx | Database, kind: string): Promise<void> {
  await tx.execute(q`select pg_notify(${UNDERSTANDING_CHANGED}, ${JSON.stringify({ kind } satisfies UnderstandingChange)})`);
}

/**
 * Calls `onChange` for every notice, and again (kind `relisten`) each time the
 * LISTEN connection is back after a loss, since notices sent meanwhile are lost.
 */
export async function listenUnderstandingChanged(sql: Sql, onChange: (change: UnderstandingChange) => void): Promise<() => Promise<void>> {
  let listening = false;
  const { unlisten } = await sql.listen(
    UNDERSTANDING_CHANGED,
    (payload) => {
      let change: UnderstandingChange = { kind: 'unknown' };
      try {
        change = JSON.parse(payload) as UnderstandingChange;
      } catch {
        // Any notice on the channel means "refresh"; a payload we cannot read still does.
      }
      onChange(change);
    },
    () => (listening ? onChange({ kind: 'relisten' }) : (listening = true)),
  );
  return unlisten;
}
