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
  /** Settles once the index has read this entry at `version` or later (tests wait on this, not on time). */
  whenIndexed(id: number, version: number): Promise<void>;
}

const BATCH = 1000;

export function createKbIndexHolder(sql: Sql, onError: (err: unknown) => void = () => {}): KbIndexHolder {
  let index: KbSearchIndex | null = null;
  let rebuild = false;
  const pending = new Set<number>();
  let running: Promise<void> | null = null;
  // The version of each entry as last read, and who waits for a version.
  const seen = new Map<number, number>();
  const waiters = new Map<number, { version: number; resolve: () => void }[]>();

  function saw(id: number, version: number): void {
    seen.set(id, Math.max(version, seen.get(id) ?? 0));
    const ws = waiters.get(id);
    if (!ws) return;
    const still = ws.filter((w) => (w.version <= version ? (w.resolve(), false) : true));
    if (still.length) waiters.set(id, still);
    else waiters.delete(id);
  }

  const put = (into: KbSearchIndex, { tokens, ...entry }: KbIndexRow) => {
    into.put(entry, tokens);
    saw(entry.id, entry.version);
  };

  async function once(): Promise<void> {
    if (rebuild || !index) {
      rebuild = false;
      pending.clear();
      const fresh = new KbSearchIndex();
      for (const row of await listKbIndexRows(sql)) put(fresh, row);
      index = fresh;
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
      }
    } catch (err) {
      ids.forEach((id) => pending.add(id));
      throw err;
    }
  }

  function drain(): Promise<void> {
    if (running) return running;
    // Nothing to do: settle now (a loop that never awaited would clear `running` before it is set).
    if (index && !rebuild && pending.size === 0) return Promise.resolve();
    running = (async () => {
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
    whenIndexed: (id, version) =>
      new Promise<void>((resolve) => {
        if ((seen.get(id) ?? 0) >= version) return resolve();
        waiters.set(id, [...(waiters.get(id) ?? []), { version, resolve }]);
      }),
  };
}
