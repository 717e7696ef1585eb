/**
 * The knowledge base's file format (kb:import, kb:export): one JSON object per line
 * with an entry's fields, `sample` and optionally `status`. An export imports back
 * as it was; a re-import of the same file changes nothing.
 *
 * Where a line gives no status: sample lines (the demo's knowledge base) land
 * published, for the demo is there to be searched; any other line lands as a draft,
 * for text from outside is read out to callers only once the knowledge team has
 * reviewed and published it.
 */
import { refuse } from '../core/errors.ts';
import { checkFields, KB_FIELD_NAMES, type KbEntry, type KbFields } from '../core/knowledge.ts';
import { KB_STATUSES, type KbStatus } from '../core/lists.ts';

export interface KbLine extends KbFields {
  sample: boolean;
  status: KbStatus;
}

const LINE_KEYS = new Set<string>([...KB_FIELD_NAMES, 'sample', 'status']);

/** One line read and checked; errors name the line and the field. */
export function parseKbLine(text: string, lineNo: number): KbLine {
  const at = (msg: string) => `第 ${lineNo} 行：${msg}`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw refuse('BAD_FIELD', at('不是合法的 JSON'));
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw refuse('BAD_FIELD', at('每行必须是一个 JSON 对象'));
  const obj = raw as Record<string, unknown>;
  const unknown = Object.keys(obj).filter((k) => !LINE_KEYS.has(k));
  if (unknown.length) throw refuse('BAD_FIELD', at(`未知字段 ${unknown.join('、')}`), unknown[0]);
  let fields: KbFields;
  try {
    fields = checkFields(obj);
  } catch (err) {
    const e = err as { code?: 'BAD_FIELD'; message: string; details?: { field?: string } };
    throw refuse(e.code ?? 'BAD_FIELD', at(e.message), e.details?.field);
  }
  if (obj.sample !== undefined && typeof obj.sample !== 'boolean') throw refuse('BAD_FIELD', at('sample 必须是 true 或 false'), 'sample');
  const sample = obj.sample === true;
  if (obj.status !== undefined && !(KB_STATUSES as readonly unknown[]).includes(obj.status))
    throw refuse('BAD_FIELD', at(`status 只能是 ${KB_STATUSES.join('、')}`), 'status');
  const status = (obj.status as KbStatus | undefined) ?? (sample ? 'published' : 'draft');
  return { ...fields, sample, status };
}

/** A whole file's lines (blank lines skipped); a title twice in one file is refused, naming both lines. */
export function parseKbFile(text: string): KbLine[] {
  const lines: KbLine[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    const line = parseKbLine(l, i + 1);
    const first = seen.get(line.title);
    if (first !== undefined) throw refuse('BAD_FIELD', `第 ${i + 1} 行：标题与第 ${first} 行重复`, 'title');
    seen.set(line.title, i + 1);
    lines.push(line);
  });
  return lines;
}

/** An entry as a line of the format, empty optional fields left out. */
export function kbLineOf(e: KbEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KB_FIELD_NAMES) {
    const v = e[k];
    if (v === null || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  out.sample = e.sample;
  out.status = e.status;
  return out;
}
