/**
 * The search index of this instance (server/core/knowledge-index.ts) kept as fresh as
 * the database: built from every published entry on first use, then changed entry by
 * entry. The service reloads what it changed once the change's transaction has
 * committed (so its own next search sees it), and `kb_changed`, sent in every such
 * transaction, makes every other instance reload the same entries; a lost LISTEN
 * connection rebuilds the whole index. Reloads run one at a time, each reading the
 * database after the one before, so a later reload never loses to an earlier one;
 * notices that come while one runs are gathered into the next (an import of 10,000
 * entries is a few batched reads, not 10,000).
 */
import type { Sql } from '../../db/client.ts';
import { listenKbChanged, listKbIndexRows, loadKbIndexRows, type KbIndexRow } from '../../db/queries/kb.ts';
import { KbSearchIndex } from '../core/knowledge-index.ts';

export interface KbIndexHolder {
  /** The index, built on first use. */
  ready(): Promise<KbSearchIndex>;
  /** Reload these entries (when the index is built); settles once a reload read after the call has been applied. */
  refresh(ids: readonly number[]): Promise<void>;
  /** Follow kb_changed; returns the unlisten (which also waits for a running reload). */
  listen(): Promise<() => Promise<void>>;
  /** Settles once a reload including this entry has been applied (subscribe before the change). */
  whenIndexed(id: number): Promise<void>;
}

const BATCH = 1000;

export function createKbIndexHolder(sql: Sql, onError: (err: unknown) => void = () => {}): KbIndexHolder {
  let index: KbSearchIndex | null = null;
  let rebuild = false;
  const pending = new Set<number>();
  let running: Promise<void> | null = null;
  const waiters = new Map<number, (() => void)[]>();

  const put = (into: KbSearchIndex, { tokens, ...entry }: KbIndexRow) => into.put(entry, tokens);

  async function once(): Promise<void> {
    if (rebuild || !index) {
      rebuild = false;
      pending.clear();
      const fresh = new KbSearchIndex();
      for (const row of await listKbIndexRows(sql)) put(fresh, row);
      index = fresh;
      // Everyone waiting is served by a full read.
      for (const [, ws] of waiters) ws.forEach((w) => w());
      waiters.clear();
      return;
    }
    const ids = [...pending].slice(0, BATCH);
    ids.forEach((id) => pending.delete(id));
    try {
      const rows = new Map((await loadKbIndexRows(sql, ids)).map((r) => [Number(r.id), r]));
      for (const id of ids) {
        const row = rows.get(id);
        if (row) put(index, row);
        else index.remove(id);
        waiters.get(id)?.forEach((w) => w());
        waiters.delete(id);
      }
    } catch (err) {
      ids.forEach((id) => pending.add(id));
      throw err;
    }
  }

  function drain(): Promise<void> {
    running ??= (async () => {
      try {
        while (rebuild || !index || pending.size > 0) await once();
      } finally {
        running = null;
      }
    })();
    return running;
  }

  /** Queue the ids; with no index yet, the first build reads them anyway. */
  function enqueue(ids: readonly number[]): Promise<void> {
    if (!index && !running) return Promise.resolve();
    // During the first build too: the build may have read before this change committed.
    ids.forEach((id) => pending.add(id));
    return drain();
  }

  const background = (p: Promise<void>) => void p.catch(onError);

  return {
    async ready() {
      if (!index) await drain();
      return index!;
    },
    refresh: (ids) => enqueue(ids).catch(onError),
    async listen() {
      const unlisten = await listenKbChanged(sql, (id) => {
        if (id === null) {
          rebuild = true;
          background(drain());
        } else background(enqueue([id]));
      });
      return async () => {
        await unlisten();
        await running?.catch(() => {});
      };
    },
    whenIndexed: (id) =>
      new Promise<void>((resolve) => {
        const ws = waiters.get(id) ?? [];
        ws.push(resolve);
        waiters.set(id, ws);
      }),
  };
}
