/**
 * An entry's fields as the desk edits and compares them, with their Chinese names and
 * how each value reads (names, never codes: 办事指南, not `guide`).
 */
import type { KbEntry } from '../shared/api.ts';
import { KB_MATERIAL_TYPE_LABELS, KB_STATUS_LABELS } from '../shared/labels.ts';
import { areaName, matterName } from '../shared/names.ts';
import type { KbFields } from '../../core/knowledge.ts';
import type { KbMaterialType, KbStatus } from '../../core/lists.ts';

/** The content of an entry, as the core defines it (what a version's snapshot holds). */
export type EntryFields = KbFields;

export const FIELD_LABELS: Record<keyof EntryFields, string> = {
  title: '标题',
  body: '答复内容（一口清）',
  keywords: '关键词',
  synonyms: '同义词、俗称',
  categoryCode: '事项分类',
  issuer: '发文单位',
  policyBasis: '政策依据',
  materialType: '材料类型',
  areaCode: '适用区域',
  effectiveFrom: '生效日期',
  expiresOn: '失效日期',
};
export const FIELD_KEYS = Object.keys(FIELD_LABELS) as (keyof EntryFields)[];

/** The editable fields of an entry or of a version's snapshot (the schema types them loosely). */
export function fieldsOf(source: KbEntry | Record<string, unknown>): EntryFields {
  const s = source as Record<string, unknown>;
  const text = (k: string) => (typeof s[k] === 'string' && s[k] !== '' ? (s[k] as string) : null);
  const list = (k: string) => (Array.isArray(s[k]) ? (s[k] as string[]) : []);
  return {
    title: text('title') ?? '',
    body: text('body') ?? '',
    keywords: list('keywords'),
    synonyms: list('synonyms'),
    categoryCode: text('categoryCode'),
    issuer: text('issuer'),
    policyBasis: text('policyBasis'),
    materialType: text('materialType') as KbMaterialType | null,
    areaCode: text('areaCode'),
    effectiveFrom: text('effectiveFrom'),
    expiresOn: text('expiresOn'),
  };
}

export function showField(key: keyof EntryFields, f: EntryFields): string {
  const v = f[key];
  switch (key) {
    case 'keywords':
    case 'synonyms':
      return (v as string[]).join('、') || '—';
    case 'categoryCode':
      return matterName(f.categoryCode);
    case 'materialType':
      return f.materialType ? KB_MATERIAL_TYPE_LABELS[f.materialType] : '—';
    case 'areaCode':
      return f.areaCode ? areaName(f.areaCode) : '全市';
    case 'effectiveFrom':
      return f.effectiveFrom ?? '即日起';
    case 'expiresOn':
      return f.expiresOn ?? '长期有效';
    default:
      return (v as string | null) || '—';
  }
}

export const same = (a: EntryFields, b: EntryFields, key: keyof EntryFields) => JSON.stringify(a[key]) === JSON.stringify(b[key]);

export const statusLabel = (s: string) => KB_STATUS_LABELS[s as KbStatus] ?? '未知状态';
export const STATUS_TAG: Record<KbStatus, 'info' | 'success' | 'warning' | 'danger'> = {
  draft: 'warning',
  published: 'success',
  expired: 'info',
  withdrawn: 'danger',
};
export const statusTag = (s: string) => STATUS_TAG[s as KbStatus] ?? 'info';

/** Today in Beijing, YYYY-MM-DD: the day an entry's dates are counted in. */
export function beijingToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}
export function daysLeft(expiresOn: string | null, today = beijingToday()): number | null {
  if (!expiresOn) return null;
  return Math.round((Date.parse(`${expiresOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}
