/**
 * The knowledge service (app.kb): every change to an entry goes through here. It
 * locks the entry, asks the pure core (server/core/knowledge.ts) whether the change
 * is the viewer's and allowed from the entry's status, and writes the new current
 * row and its version (with the fields' snapshot and who made it) in one transaction.
 */
import type { Database, Sql } from '../../db/client.ts';
import type { Tx } from '../../db/queries/actions.ts';
import * as kb from '../../db/queries/kb.ts';
import type { Viewer } from '../core/access.ts';
import { DomainError, refuse } from '../core/errors.ts';
import {
  areaChain,
  authorizeKb,
  beijingDay,
  canReadEntry,
  canSearch,
  changedFields,
  checkFields,
  checkPublishable,
  fieldsOf,
  isKbAdmin,
  nextStatus,
  TITLE_MAX,
  type KbEntry,
  type KbFields,
  type KbStep,
} from '../core/knowledge.ts';
import type { SynonymIndex } from '../core/knowledge-search.ts';
import { KNOWLEDGE_TEAM_UNIT, type KbChange, type KbStatus } from '../core/lists.ts';
import { createKbIndexHolder, type KbIndexHolder } from './index.ts';
import { observe } from '../observe.ts';
import { indexTokens, searchEntries, type SearchHit, type SearchInput } from './search.ts';
import { kbLineOf, type KbLine } from './transfer.ts';

export interface KbServiceDeps {
  db: Database;
  sql: Sql;
  clock: { now(): Date };
  synonyms: SynonymIndex;
  /** A matter of the taxonomy (rules/matters/). */
  categoryKnown(code: string): boolean;
  /** This instance's search index (the plugin's, which follows kb_changed); one of its own otherwise. */
  index?: KbIndexHolder;
}

export type KbInput = Partial<Record<keyof KbFields, unknown>>;
type As = { viewer: Viewer; note?: string | null };

export interface KbService {
  create(input: KbInput, opts: As & { unitId?: string }): Promise<KbEntry>;
  /** `version`: the version the editor started from; a 409 when someone changed it since. */
  update(id: number, patch: KbInput & { version?: number }, opts: As): Promise<KbEntry>;
  publish(id: number, opts: As): Promise<KbEntry>;
  withdraw(id: number, opts: As): Promise<KbEntry>;
  /** A new version whose fields are version `version`'s, as a draft to be published again. */
  rollback(id: number, version: number, opts: As): Promise<KbEntry>;
  get(id: number, opts: { viewer: Viewer }): Promise<KbEntry>;
  versions(id: number, opts: { viewer: Viewer }): Promise<kb.KbVersionRow[]>;
  /** Published entries in force today (Beijing) for the area, best first. */
  search(input: SearchInput, opts?: { on?: Date; viewer?: Viewer }): Promise<SearchHit[]>;
  list(filter: Omit<kb.KbListFilter, 'limit'> & { limit?: number }, opts: { viewer: Viewer }): Promise<KbEntry[]>;
  /** Published entries expiring within 30 days: the viewer's unit's, or every unit's for the knowledge team. */
  expiring(opts: { viewer: Viewer }): Promise<KbEntry[]>;
  /** Lines of the file format, in one transaction; matched to entries by title. */
  importEntries(
    lines: KbLine[],
    opts: { actor: string; unitId?: string },
  ): Promise<{ created: number; changed: number; unchanged: number }>;
  exportEntries(): Promise<Record<string, unknown>[]>;
  /**
   * For the order service: of `ids`, those that may NOT be read out to a caller in
   * `areaCode` on `on` (missing, not published, not yet or no longer in force, another
   * area's). Empty: all usable. A null area accepts every area's entries.
   */
  usableEntries(ids: number[], on: Date, areaCode: string | null): Promise<number[]>;
  /**
   * The knowledge team's reply to a 知识缺口 as a new draft of the team's unit, in the
   * caller's transaction when given. A title already taken gets the order's id added.
   */
  createDraftFromAnswer(
    tx: Tx | null,
    d: { title: string; body: string; categoryCode?: string | null; sourceOrderId: number; actor: string },
  ): Promise<KbEntry>;
  /** Mark published entries whose expiry has come as expired (search drops them by date anyway); how many. */
  expireDue(): Promise<number>;
  /** The in-memory search index (tests wait on whenIndexed rather than on time). */
  readonly index: KbIndexHolder;
}

const EXPIRING_DAYS = 30;
const actorOf = (v: Viewer) => `user:${v.userId}`;
const notFound = (id: number) => new DomainError('KB_ENTRY_NOT_FOUND', `知识条目 ${id} 不存在`, { field: 'id' });
const snapshotOf = (e: KbEntry) => ({ ...fieldsOf(e), status: e.status, unitId: e.unitId, sample: e.sample });

export function createKbService(deps: KbServiceDeps): KbService {
  const index = deps.index ?? createKbIndexHolder(deps.sql);
  /** Checks the database answers: title free, category and area known. */
  async function checkRefs(tx: Tx, f: KbFields, exceptId?: number): Promise<void> {
    if (await kb.kbTitleTaken(tx, f.title, exceptId)) throw refuse('KB_TITLE_TAKEN', `已有标题为“${f.title}”的知识条目`, 'title');
    if (f.categoryCode && !deps.categoryKnown(f.categoryCode))
      throw refuse('UNKNOWN_CATEGORY', `事项分类 ${f.categoryCode} 不存在`, 'categoryCode');
    if (f.areaCode && !(await kb.areaKnown(tx, f.areaCode))) throw refuse('UNKNOWN_AREA', `区域代码 ${f.areaCode} 不存在`, 'areaCode');
  }

  async function insert(
    tx: Tx,
    f: KbFields,
    e: {
      status: KbStatus;
      unitId: string;
      sample?: boolean;
      sourceOrderId?: number | null;
      actor: string;
      at: Date;
      note?: string | null;
      announce?: boolean;
    },
  ): Promise<KbEntry> {
    const created = await kb.insertKbEntry(tx, {
      ...f,
      status: e.status,
      unitId: e.unitId,
      version: 1,
      sample: e.sample ?? false,
      sourceOrderId: e.sourceOrderId ?? null,
      createdAt: e.at,
      createdBy: e.actor,
      updatedAt: e.at,
      updatedBy: e.actor,
      searchTokens: indexTokens(f),
    });
    await kb.insertKbVersion(tx, {
      entryId: created.id,
      version: 1,
      change: 'create',
      snapshot: snapshotOf(created),
      actor: e.actor,
      at: e.at,
      note: e.note,
    });
    if (e.announce !== false) await kb.announceKbChanged(tx, created.id);
    return created;
  }

  /** The entry's next version: its row and its version record. */
  async function write(
    tx: Tx,
    current: KbEntry,
    next: { fields: KbFields; status: KbStatus; sample?: boolean },
    change: KbChange,
    by: { actor: string; at: Date; note?: string | null; announce?: boolean },
  ): Promise<KbEntry> {
    const content = changedFields(fieldsOf(current), next.fields).length > 0;
    const updated = await kb.updateKbEntry(tx, current.id, {
      ...next.fields,
      status: next.status,
      sample: next.sample ?? current.sample,
      version: current.version + 1,
      updatedAt: by.at,
      updatedBy: by.actor,
      ...(content ? { searchTokens: indexTokens(next.fields) } : {}),
    });
    const { announce, ...stamp } = by;
    await kb.insertKbVersion(tx, { entryId: current.id, version: updated.version, change, snapshot: snapshotOf(updated), ...stamp });
    if (announce !== false) await kb.announceKbChanged(tx, current.id);
    return updated;
  }

  /** Lock, check the viewer and the lifecycle, then write; once committed, this instance's search sees it. */
  async function step(
    id: number,
    change: KbStep,
    opts: As,
    fieldsFor: (tx: Tx, e: KbEntry) => Promise<KbFields> | KbFields,
  ): Promise<KbEntry> {
    const at = deps.clock.now();
    const done = await deps.db.transaction(async (tx) => {
      const current = await kb.loadKbEntryForUpdate(tx, id);
      if (!current || !canReadEntry(opts.viewer, current)) throw notFound(id);
      authorizeKb(opts.viewer, change, current);
      const status = nextStatus(current.status, change);
      const fields = await fieldsFor(tx, current);
      if (change === 'publish') checkPublishable(fields, beijingDay(at));
      return write(tx, current, { fields, status }, change, { actor: actorOf(opts.viewer), at, note: opts.note });
    });
    await index.refresh([done.id]);
    return done;
  }

  async function readable(db: Database | Tx, id: number, viewer: Viewer): Promise<KbEntry> {
    const e = await kb.loadKbEntry(db, id);
    if (!e || !canReadEntry(viewer, e)) throw notFound(id);
    return e;
  }

  return {
    create(input, opts) {
      const unitId = opts.unitId ?? opts.viewer.unitId;
      authorizeKb(opts.viewer, 'create', { unitId });
      const fields = checkFields(input);
      return deps.db.transaction(async (tx) => {
        await checkRefs(tx, fields);
        return insert(tx, fields, { status: 'draft', unitId, actor: actorOf(opts.viewer), at: deps.clock.now(), note: opts.note });
      });
    },

    update(id, { version, ...patch }, opts) {
      return step(id, 'edit', opts, async (tx, current) => {
        if (version !== undefined && version !== current.version)
          throw new DomainError('KB_VERSION_CONFLICT', `知识条目已是第 ${current.version} 版，您修改的是第 ${version} 版`, {
            field: 'version',
          });
        const fields = checkFields(patch, fieldsOf(current));
        await checkRefs(tx, fields, id);
        return fields;
      });
    },

    publish: (id, opts) => step(id, 'publish', opts, (_tx, e) => fieldsOf(e)),
    withdraw: (id, opts) => step(id, 'withdraw', opts, (_tx, e) => fieldsOf(e)),

    rollback(id, version, opts) {
      return step(id, 'rollback', opts, async (tx, current) => {
        const earlier = await kb.loadKbVersion(tx, id, version);
        if (!earlier)
          throw refuse('KB_VERSION_NOT_FOUND', `知识条目 ${id} 没有第 ${version} 版（现为第 ${current.version} 版）`, 'version');
        const fields = fieldsOf(earlier.snapshot);
        await checkRefs(tx, fields, id);
        return fields;
      });
    },

    get: (id, opts) => readable(deps.db, id, opts.viewer),

    async versions(id, opts) {
      await readable(deps.db, id, opts.viewer);
      return kb.listKbVersions(deps.db, id);
    },

    async search(input, opts = {}) {
      if (opts.viewer && !canSearch(opts.viewer)) throw refuse('FORBIDDEN', '知识检索需要话务员、派单员、承办人或知识库角色');
      const ready = await index.ready();
      return observe.kbSearch.tracePromise(() => searchEntries(deps.sql, ready, deps.synonyms, input, opts.on ?? deps.clock.now()), {
        sql: deps.sql,
      });
    },

    list(filter, { viewer }) {
      if (!viewer.roles.some((r) => r === 'kb_admin' || r === 'kb_editor')) throw refuse('FORBIDDEN', '需要知识库编辑或知识库审核角色');
      // An editor's list is their unit's; the knowledge team's is everyone's.
      const unitId = isKbAdmin(viewer) ? filter.unitId : viewer.unitId;
      return kb.listKbEntries(deps.db, { ...filter, unitId, limit: filter.limit ?? 100 });
    },

    expiring({ viewer }) {
      if (!viewer.roles.some((r) => r === 'kb_admin' || r === 'kb_editor')) throw refuse('FORBIDDEN', '需要知识库编辑或知识库审核角色');
      const now = deps.clock.now();
      return kb.listExpiringKbEntries(deps.db, {
        from: beijingDay(now),
        to: beijingDay(new Date(now.getTime() + EXPIRING_DAYS * 86_400_000)),
        unitId: isKbAdmin(viewer) ? null : viewer.unitId,
      });
    },

    async importEntries(lines, opts) {
      const at = deps.clock.now();
      // One notice for the whole file: 10,000 notices in one transaction cost the import minutes.
      const by = { actor: opts.actor, at, note: '导入', announce: false };
      const touched: number[] = [];
      const counts = await deps.db.transaction(async (tx) => {
        const counts = { created: 0, changed: 0, unchanged: 0 };
        for (const { sample, status, ...fields } of lines) {
          const current = await kb.loadKbEntryByTitleForUpdate(tx, fields.title);
          if (fields.categoryCode && !deps.categoryKnown(fields.categoryCode))
            throw refuse('UNKNOWN_CATEGORY', `“${fields.title}”：事项分类 ${fields.categoryCode} 不存在`, 'categoryCode');
          if (fields.areaCode && !(await kb.areaKnown(tx, fields.areaCode)))
            throw refuse('UNKNOWN_AREA', `“${fields.title}”：区域代码 ${fields.areaCode} 不存在`, 'areaCode');
          if (!current) {
            touched.push((await insert(tx, fields, { status, unitId: opts.unitId ?? KNOWLEDGE_TEAM_UNIT, sample, ...by })).id);
            counts.created++;
            continue;
          }
          const content = changedFields(fieldsOf(current), fields).length > 0;
          if (!content && current.status === status && current.sample === sample) {
            counts.unchanged++;
            continue;
          }
          const change: KbChange = content
            ? 'edit'
            : ({ published: 'publish', withdrawn: 'withdraw', expired: 'expire', draft: 'edit' } as const)[status];
          await write(tx, current, { fields, status, sample }, change, by);
          touched.push(current.id);
          counts.changed++;
        }
        if (touched.length) await kb.announceKbChanged(tx, 'all');
        return counts;
      });
      await index.refresh(touched);
      return counts;
    },

    async exportEntries() {
      return (await kb.listAllKbEntries(deps.db)).map(kbLineOf);
    },

    async usableEntries(ids, on, areaCode) {
      const wanted = [...new Set(ids)];
      const ok = await kb.kbEntriesInForce(deps.sql, wanted, { day: beijingDay(on), areas: areaCode ? areaChain(areaCode) : null });
      return wanted.filter((id) => !ok.has(id));
    },

    async createDraftFromAnswer(tx, d) {
      const at = deps.clock.now();
      const run = async (t: Tx) => {
        let fields = checkFields({ title: d.title, body: d.body, categoryCode: d.categoryCode ?? null });
        if (fields.categoryCode && !deps.categoryKnown(fields.categoryCode)) fields = { ...fields, categoryCode: null };
        if (await kb.kbTitleTaken(t, fields.title)) {
          const suffix = `（工单 ${d.sourceOrderId}）`;
          fields = { ...fields, title: [...fields.title].slice(0, TITLE_MAX - suffix.length).join('') + suffix };
        }
        return insert(t, fields, {
          status: 'draft',
          unitId: KNOWLEDGE_TEAM_UNIT,
          sourceOrderId: d.sourceOrderId,
          actor: d.actor,
          at,
          note: '知识缺口答复',
        });
      };
      return tx ? run(tx) : deps.db.transaction(run);
    },

    async expireDue() {
      const at = deps.clock.now();
      let n = 0;
      for (const id of await kb.listDueToExpireKbEntries(deps.db, beijingDay(at))) {
        const done = await deps.db.transaction(async (tx) => {
          const e = await kb.loadKbEntryForUpdate(tx, id);
          if (!e || e.status !== 'published' || !e.expiresOn || e.expiresOn > beijingDay(at)) return false;
          await write(tx, e, { fields: fieldsOf(e), status: nextStatus(e.status, 'expire') }, 'expire', { actor: 'system', at });
          return true;
        });
        if (done) {
          await index.refresh([id]);
          n++;
        }
      }
      return n;
    },

    index,
  };
}
