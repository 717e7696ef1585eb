/**
 * `npm run history:import -- FILE.jsonl`: the centre's classified history into
 * training_examples (source `import`), then a model trained on it and announced to
 * every running instance. One JSON object a line:
 *   { "text": "…", "categoryCode": "urban.street_light", "requestType"?, "areaCode"?, "unitId"? }
 * A line's key is a hash of its content, so importing a file again adds nothing.
 * Bad lines are refused with their number and field; the others are imported.
 * The file is streamed and written in multi-row batches: it may be millions of lines.
 * The database is DATABASE_URL's, or the embedded one, as for `npm run areas:load`.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { Sql } from '../db/client.ts';
import { insertExamples, type NewExample } from '../db/queries/training.ts';
import { trainModelIfDue } from '../server/jobs/trainer.ts';
import { loadRules } from '../server/rules/load.ts';
import { withServiceDatabase } from './service-database.ts';

export interface Refusal {
  line: number;
  field: string;
  reason: string;
}

export interface ImportResult {
  lines: number;
  inserted: number;
  /** Lines already imported (by an earlier run, or earlier in this file). */
  duplicates: number;
  refused: Refusal[];
}

const MAX_TEXT = 4000;
const OPTIONAL = ['requestType', 'areaCode', 'unitId'] as const;

/** The example a line stands for, or why it is refused. */
export function parseLine(raw: string, line: number, categories: ReadonlySet<string>): NewExample | Refusal {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    return { line, field: 'json', reason: `not JSON: ${(err as Error).message}` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { line, field: 'json', reason: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  if (typeof o.text !== 'string' || o.text.trim() === '') return { line, field: 'text', reason: 'missing or empty' };
  if (o.text.length > MAX_TEXT) return { line, field: 'text', reason: `longer than ${MAX_TEXT} characters` };
  if (typeof o.categoryCode !== 'string') return { line, field: 'categoryCode', reason: 'missing' };
  if (!categories.has(o.categoryCode)) return { line, field: 'categoryCode', reason: `unknown category "${o.categoryCode}"` };
  for (const f of OPTIONAL) {
    if (o[f] !== undefined && o[f] !== null && typeof o[f] !== 'string') return { line, field: f, reason: 'not a string' };
  }
  const fields = {
    text: o.text,
    categoryCode: o.categoryCode,
    requestType: (o.requestType as string | undefined) ?? null,
    areaCode: (o.areaCode as string | undefined) ?? null,
    unitId: (o.unitId as string | undefined) ?? null,
  };
  // The content, not the spelling of the line: key order and spacing do not make a new example.
  const key = `import:${createHash('sha256').update(JSON.stringify(fields)).digest('hex')}`;
  return { key, source: 'import', ...fields };
}

export async function importHistory(
  sql: Sql,
  file: string,
  opts: { categories: ReadonlySet<string>; batch?: number },
): Promise<ImportResult> {
  const result: ImportResult = { lines: 0, inserted: 0, duplicates: 0, refused: [] };
  const size = opts.batch ?? 1000;
  let batch: NewExample[] = [];
  const flush = async () => {
    const inserted = await insertExamples(sql, batch);
    result.inserted += inserted;
    result.duplicates += batch.length - inserted;
    batch = [];
  };
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const raw of lines) {
    const n = ++result.lines;
    if (raw.trim() === '') continue;
    const parsed = parseLine(raw, n, opts.categories);
    if ('field' in parsed) result.refused.push(parsed);
    else batch.push(parsed);
    if (batch.length >= size) await flush();
  }
  await flush();
  return result;
}

async function main(file: string | undefined): Promise<number> {
  if (!file) {
    console.error('usage: npm run history:import -- FILE.jsonl');
    return 2;
  }
  const categories = new Set(loadRules().categories.map((c) => c.code));
  return withServiceDatabase(async (db) => {
    const started = performance.now();
    const r = await importHistory(db.sql, file, { categories });
    for (const x of r.refused.slice(0, 50)) console.error(`${file}:${x.line}: ${x.field}: ${x.reason}`);
    if (r.refused.length > 50) console.error(`… and ${r.refused.length - 50} more refused lines`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `${r.lines} lines: ${r.inserted} examples imported, ${r.duplicates} already there, ${r.refused.length} refused (${seconds} s)`,
    );
    const trained = await trainModelIfDue(db.sql, new Date());
    console.log(
      trained.trained
        ? `model ${trained.modelId} trained on ${trained.examples} examples and announced`
        : `no model trained: ${trained.reason}`,
    );
    return r.refused.length ? 1 : 0;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv[2]);
