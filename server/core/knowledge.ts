/**
 * The knowledge base (知识库), pure: an entry's lifecycle as a table, who may do
 * what to it, whether it is in force on a day for an area, and its fields checked.
 * The service (server/kb/service.ts) loads and locks, asks here, and writes.
 *
 * An edit of a published entry returns it to draft. Operators read an entry out
 * to callers word for word, so the text they see must be text the knowledge team
 * has reviewed; keeping one current row per entry, the edited text cannot be live
 * and unreviewed at once. The entry is out of search only until it is published
 * again, which the team does in the same sitting, and each step is its own version,
 * so the trail shows who wrote and who approved every text.
 */
import type { Viewer } from './access.ts';
import { refuse, DomainError } from './errors.ts';
import { KB_MATERIAL_TYPES, KB_STATUS_LABELS, type KbChange, type KbMaterialType, type KbStatus } from './lists.ts';

/** The content of an entry: what a version's snapshot holds and a rollback restores. */
export interface KbFields {
  title: string;
  body: string;
  keywords: string[];
  synonyms: string[];
  categoryCode: string | null;
  issuer: string | null;
  policyBasis: string | null;
  materialType: KbMaterialType | null;
  areaCode: string | null;
  effectiveFrom: string | null;
  expiresOn: string | null;
}

export const KB_FIELD_NAMES = [
  'title',
  'body',
  'keywords',
  'synonyms',
  'categoryCode',
  'issuer',
  'policyBasis',
  'materialType',
  'areaCode',
  'effectiveFrom',
  'expiresOn',
] as const satisfies readonly (keyof KbFields)[];

export interface KbEntry extends KbFields {
  id: number;
  status: KbStatus;
  unitId: string;
  version: number;
  sample: boolean;
  sourceOrderId: number | null;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

/** A change to an existing entry (creation has no "from"). */
export type KbStep = Exclude<KbChange, 'create'>;

/** From which statuses each change may be made, and the status it leaves. */
export const KB_LIFECYCLE: Record<KbStep, { from: readonly KbStatus[]; to: KbStatus }> = {
  // Any edit makes a draft to be reviewed (see the file's comment); an expired or
  // withdrawn entry is revived the same way, through review.
  edit: { from: ['draft', 'published', 'expired', 'withdrawn'], to: 'draft' },
  publish: { from: ['draft'], to: 'published' },
  // Withdrawing a draft discards it without deleting its history.
  withdraw: { from: ['draft', 'published', 'expired'], to: 'withdrawn' },
  // An earlier text comes back as a draft: it was right once, it may not be now.
  rollback: { from: ['draft', 'published', 'expired', 'withdrawn'], to: 'draft' },
  expire: { from: ['published'], to: 'expired' },
};

/** The status after `step`, or a 409 naming the status that forbids it. */
export function nextStatus(status: KbStatus, step: KbStep): KbStatus {
  const rule = KB_LIFECYCLE[step];
  if (!rule.from.includes(status))
    throw new DomainError('KB_ILLEGAL_CHANGE', `知识条目当前为“${KB_STATUS_LABELS[status]}”，不能${STEP_LABELS[step]}`, { status });
  return rule.to;
}

const STEP_LABELS: Record<KbStep, string> = { edit: '修改', publish: '发布', withdraw: '撤回', rollback: '回滚', expire: '置为过期' };

export const isKbAdmin = (v: Viewer) => v.roles.includes('kb_admin');
export const isKbEditor = (v: Viewer) => v.roles.includes('kb_editor');

/** Who may search (the desks that answer callers, and the knowledge roles). An admin role alone gives no knowledge rights. */
export const KB_SEARCH_ROLES = ['operator', 'dispatcher', 'handler', 'kb_editor', 'kb_admin'] as const;

/** May the viewer search? (The admin role passes every route's role check, so the rule is asked here.) */
export const canSearch = (v: Viewer) => v.roles.some((r) => (KB_SEARCH_ROLES as readonly string[]).includes(r));

/**
 * May the viewer see this entry? The knowledge team sees all; an editor sees their
 * unit's entries and what is published; the desks see what is published. What is not
 * theirs to see is "not found", as with orders.
 */
export function canReadEntry(v: Viewer, e: Pick<KbEntry, 'unitId' | 'status'>): boolean {
  if (isKbAdmin(v)) return true;
  if (isKbEditor(v) && e.unitId === v.unitId) return true;
  return e.status === 'published' && canSearch(v);
}

/** Throws 403 unless the viewer may make `change` to an entry held by `unitId` in `status`. */
export function authorizeKb(v: Viewer, change: KbChange, e: { unitId: string; status?: KbStatus }): void {
  if (isKbAdmin(v)) return;
  if (isKbEditor(v)) {
    if (e.unitId !== v.unitId) throw refuse('FORBIDDEN', '只能编辑本单位的知识条目', 'unitId');
    if (change === 'create') return;
    if (change === 'edit') {
      if (e.status === 'draft') return;
      throw refuse('FORBIDDEN', '知识库编辑只能修改草稿；已发布、已过期或已撤回的条目由知识库组修改');
    }
    throw refuse('FORBIDDEN', '发布、撤回和回滚由知识库组（知识库审核）负责');
  }
  throw refuse('FORBIDDEN', '需要知识库编辑或知识库审核角色');
}

/** The Beijing calendar day of an instant, 'YYYY-MM-DD' (China keeps no daylight saving). */
export const beijingDay = (t: Date) => new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * The area codes an answer for `code` may be written for: itself and each area above
 * it (a community's street, district and city). Codes are 6/9/12 digits: 9 and 12 are
 * prefixes of their parents plus three digits; a 6-digit county's parent ends in 00,
 * a prefecture's in 0000.
 */
export function areaChain(code: string): string[] {
  const chain = [code];
  if (code.length === 12) chain.push(code.slice(0, 9));
  if (code.length >= 9) chain.push(code.slice(0, 6));
  const six = code.slice(0, 6);
  if (six.slice(4) !== '00') chain.push(`${six.slice(0, 4)}00`);
  if (six.slice(2, 4) !== '00') chain.push(`${six.slice(0, 2)}0000`);
  return [...new Set(chain)];
}

/**
 * In force on `day` for a caller whose area chain is `areas` (areaChain of the caller's
 * area; null: a caller with no area, who sees every area's entries): published, started,
 * not yet expired (an entry expiring on a day is gone that day), and written for an area
 * of the chain or for everywhere. The one statement of the rule: search applies it to its
 * in-memory index, the order service to the entries an answer reads out.
 */
export function inForceOn(
  e: Pick<KbEntry, 'status' | 'effectiveFrom' | 'expiresOn' | 'areaCode'>,
  day: string,
  areas: readonly string[] | null,
): boolean {
  if (e.status !== 'published') return false;
  if (e.effectiveFrom && e.effectiveFrom > day) return false;
  if (e.expiresOn && e.expiresOn <= day) return false;
  return e.areaCode === null || areas === null || areas.includes(e.areaCode);
}

/** The caller's area chain for inForceOn: null for a caller with no area. */
export const areasOf = (areaCode: string | null | undefined): string[] | null => (areaCode ? areaChain(areaCode) : null);

export const TITLE_MAX = 128;
export const BODY_MAX = 8000;
export const TERM_MAX = 32;
export const TERMS_MAX = 40;
export const TEXT_MAX = 200;

const chars = (s: string) => [...s].length;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const validDay = (s: string) => DAY.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/** A title compared as people read it: surrounding and repeated blanks do not make a new title. */
export const normalTitle = (s: string) => s.trim().replace(/\s+/g, ' ');

function terms(field: 'keywords' | 'synonyms', list: unknown): string[] {
  if (!Array.isArray(list)) throw refuse('BAD_FIELD', `${field} 必须是字符串数组`, field);
  const out: string[] = [];
  for (const raw of list) {
    if (typeof raw !== 'string') throw refuse('BAD_FIELD', `${field} 必须是字符串数组`, field);
    const t = raw.trim();
    if (!t) continue;
    if (chars(t) > TERM_MAX) throw refuse('BAD_FIELD', `${field} 的每个词不超过 ${TERM_MAX} 个字`, field);
    if (!out.includes(t)) out.push(t);
  }
  if (out.length > TERMS_MAX) throw refuse('BAD_FIELD', `${field} 不超过 ${TERMS_MAX} 个词`, field);
  return out;
}

function optionalText(field: keyof KbFields, v: unknown, max = TEXT_MAX): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw refuse('BAD_FIELD', `${field} 必须是字符串`, field);
  const t = v.trim();
  if (chars(t) > max) throw refuse('BAD_FIELD', `${field} 不超过 ${max} 个字`, field);
  return t || null;
}

function day(field: 'effectiveFrom' | 'expiresOn', v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v !== 'string' || !validDay(v)) throw refuse('BAD_FIELD', `${field} 必须是 YYYY-MM-DD 格式的日期`, field);
  return v;
}

/**
 * The fields after applying `patch` to `base` (none for a new entry), each checked and
 * normalised; a 400 naming the first field at fault. Whether a title is taken, a
 * category or an area exists, is the service's to ask the database.
 */
export function checkFields(patch: Partial<Record<keyof KbFields, unknown>>, base?: KbFields): KbFields {
  const has = (k: keyof KbFields) => Object.hasOwn(patch, k) && patch[k] !== undefined;
  const pick = <K extends keyof KbFields>(k: K): unknown => (has(k) ? patch[k] : base?.[k]);

  const rawTitle = pick('title');
  if (typeof rawTitle !== 'string' || !normalTitle(rawTitle)) throw refuse('MISSING_FIELD', '标题（title）必填', 'title');
  const title = normalTitle(rawTitle);
  if (chars(title) > TITLE_MAX) throw refuse('BAD_FIELD', `标题不超过 ${TITLE_MAX} 个字`, 'title');
  const rawBody = pick('body');
  if (typeof rawBody !== 'string' || !rawBody.trim()) throw refuse('MISSING_FIELD', '答复内容（body）必填', 'body');
  const body = rawBody.trim();
  if (chars(body) > BODY_MAX) throw refuse('BAD_FIELD', `答复内容不超过 ${BODY_MAX} 个字`, 'body');

  const materialType = pick('materialType') ?? null;
  if (materialType !== null && !(KB_MATERIAL_TYPES as readonly unknown[]).includes(materialType))
    throw refuse('BAD_FIELD', `材料类型（materialType）只能是 ${KB_MATERIAL_TYPES.join('、')}`, 'materialType');
  const areaCode = pick('areaCode') ?? null;
  if (areaCode !== null && (typeof areaCode !== 'string' || !/^\d{6}(\d{3}(\d{3})?)?$/.test(areaCode)))
    throw refuse('BAD_FIELD', '区域代码（areaCode）是 6、9 或 12 位数字', 'areaCode');

  const effectiveFrom = day('effectiveFrom', pick('effectiveFrom'));
  const expiresOn = day('expiresOn', pick('expiresOn'));
  if (effectiveFrom && expiresOn && expiresOn <= effectiveFrom)
    throw refuse('BAD_FIELD', '失效日期（expiresOn）必须晚于生效日期（effectiveFrom）', 'expiresOn');

  return {
    title,
    body,
    keywords: terms('keywords', pick('keywords') ?? []),
    synonyms: terms('synonyms', pick('synonyms') ?? []),
    categoryCode: optionalText('categoryCode', pick('categoryCode'), 64),
    issuer: optionalText('issuer', pick('issuer')),
    policyBasis: optionalText('policyBasis', pick('policyBasis'), 500),
    materialType: materialType as KbMaterialType | null,
    areaCode: areaCode as string | null,
    effectiveFrom,
    expiresOn,
  };
}

/** The content fields of an entry (or of a snapshot read back from a version). */
export function fieldsOf(e: object): KbFields {
  const r = e as Record<string, unknown>;
  return checkFields(Object.fromEntries(KB_FIELD_NAMES.map((k) => [k, r[k] ?? null])));
}

/** Which content fields differ: an edit that changes nothing makes no version. */
export function changedFields(a: KbFields, b: KbFields): (keyof KbFields)[] {
  return KB_FIELD_NAMES.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** Publishing needs an entry that is still to be in force some day. */
export function checkPublishable(e: KbFields, today: string): void {
  if (e.expiresOn && e.expiresOn <= today)
    throw refuse('KB_EXPIRED_ON_PUBLISH', `失效日期 ${e.expiresOn} 已到，不能发布；请先修改失效日期`, 'expiresOn');
}
