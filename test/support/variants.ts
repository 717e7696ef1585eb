/**
 * For one operation of the OpenAPI document: a valid baseline request, and
 * variants that each spoil it in one place (a path id, a query parameter, a
 * header, a body property, or the body as a whole), so that the refusal can be
 * expected to name that place.
 */
import {
  deepJson,
  INJECTIONS,
  NOT_TEXTS,
  BAD_INSTANTS,
  refused,
  sample,
  wrongTypes,
  type Operation,
  type Param,
  type Rng,
  type Schema,
} from './hostile.ts';

export interface Request {
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}
export interface Variant {
  name: string;
  request: Request;
  /** The field a VALIDATION_FAILED answer must name. */
  field?: string;
  /** Must be exactly a VALIDATION_FAILED naming `field` (a 413 also, when `big`). */
  strict?: boolean;
  big?: boolean;
}

const TEN_MB = 'x'.repeat(10 * 1024 * 1024);
const HUNDRED_KB = '长'.repeat((100 * 1024) / 3);
const JSON_TYPE = { 'content-type': 'application/json' };

interface Parts {
  path: Record<string, string>; // already encoded segments
  query: [string, string][];
  headers: Record<string, string>;
  body?: unknown;
  raw?: { payload: string | Buffer; type: string };
}

export function baseline(op: Operation, overrides: Record<string, unknown>, auth: Record<string, string>): Parts {
  const of = (where: Param['in']) => op.params.filter((p) => p.in === where);
  const path = Object.fromEntries(of('path').map((p) => [p.name, encodeURIComponent(String(sample(p.schema, p.name, overrides)))]));
  const query = of('query')
    .filter((p) => p.required)
    .map((p) => [p.name, String(sample(p.schema, p.name, overrides))] as [string, string]);
  const headers = {
    ...(op.secured ? auth : {}),
    ...Object.fromEntries(
      of('header')
        .filter((p) => p.required)
        .map((p) => [p.name, String(sample(p.schema, p.name, overrides))]),
    ),
  };
  return { path, query, headers, ...(op.body ? { body: sample(op.body, '', overrides) } : {}) };
}

export function toRequest(op: Operation, parts: Parts): Request {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => parts.path[name]!);
  const qs = parts.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const url = qs ? `${path}?${qs}` : path;
  if (parts.raw)
    return { method: op.method, url, headers: { ...parts.headers, 'content-type': parts.raw.type }, payload: parts.raw.payload };
  if (parts.body === undefined) return { method: op.method, url, headers: parts.headers };
  return { method: op.method, url, headers: { ...parts.headers, ...JSON_TYPE }, payload: JSON.stringify(parts.body) };
}

/** Strings for a path id: traversal, injection, not text, wrong shapes; `raw` ones go into the URL as they are. */
const PATH_VALUES = [...INJECTIONS, 'bad\u0000byte', '-1', '1.5', 'true', '0x10', ' 1', '9'.repeat(40), 'x'.repeat(300)];
const RAW_SEGMENTS = ['..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2f', '%252e%252e%252f', '%ED%A0%80', '%FF%FE', '%00', '..', '.%00.'];
const TEXT_VALUES = [
  ...INJECTIONS,
  'bad\u0000byte',
  '\u0000',
  '',
  ' ',
  '-1',
  '1.5',
  'abc',
  'true',
  'null',
  '2026-02-30',
  'yesterday',
  ...BAD_INSTANTS,
];

export function variants(op: Operation, base: Parts, r: Rng): Variant[] {
  const out: Variant[] = [];
  const add = (name: string, parts: Parts, extra: Omit<Variant, 'name' | 'request'> = {}) =>
    out.push({ name, request: toRequest(op, parts), ...extra });

  for (const p of op.params.filter((x) => x.in === 'path')) {
    for (const v of r.some(PATH_VALUES, 8))
      add(
        `path ${p.name}=${JSON.stringify(v.slice(0, 40))}`,
        { ...base, path: { ...base.path, [p.name]: encodeURIComponent(v) } },
        { field: p.name },
      );
    for (const raw of r.some(RAW_SEGMENTS, 4))
      add(`path ${p.name} raw ${raw}`, { ...base, path: { ...base.path, [p.name]: raw } }, { field: p.name });
  }

  const query = op.params.filter((x) => x.in === 'query');
  for (const p of query) {
    const rest = base.query.filter(([k]) => k !== p.name);
    if (p.required && p.schema.default === undefined)
      add(`query ${p.name} missing`, { ...base, query: rest }, { field: p.name, strict: true });
    const values = [...r.some(TEXT_VALUES, 7), HUNDRED_KB];
    for (const v of values) {
      if (!refused({ type: 'object', properties: { [p.name]: p.schema } }, { [p.name]: v }, 'query')) continue;
      add(`query ${p.name}=${JSON.stringify(v.slice(0, 40))}`, { ...base, query: [...rest, [p.name, v]] }, { field: p.name, strict: true });
    }
    const doubled = sample(p.schema, p.name);
    if (p.schema.type !== 'array')
      add(
        `query ${p.name} twice`,
        { ...base, query: [...rest, [p.name, String(doubled)], [p.name, String(doubled)]] },
        { field: p.name, strict: true },
      );
  }
  // Unknown query parameters are refused, not ignored (the API's promise); checked where a route takes any.
  if (query.length > 0)
    for (const k of ['evil', '__proto__', 'constructor'])
      add(`query extra ${k}`, { ...base, query: [...base.query, [k, "' OR 1=1 --"]] }, { field: k });

  for (const p of op.params.filter((x) => x.in === 'header')) {
    const { [p.name]: _drop, ...rest } = base.headers;
    if (p.required) add(`header ${p.name} missing`, { ...base, headers: rest }, { field: p.name, strict: true });
    for (const v of ['short', ' '.repeat(12), "' OR 1=1 -- padding", 'x'.repeat(300), '']) {
      if (!refused({ type: 'object', properties: { [p.name]: p.schema } }, { [p.name]: v }, 'header')) continue;
      add(
        `header ${p.name}=${JSON.stringify(v.slice(0, 20))}`,
        { ...base, headers: { ...rest, [p.name]: v } },
        { field: p.name, strict: true },
      );
    }
  }

  if (op.method !== 'GET') bodyVariants(op, base, r, add);
  return out;
}

function bodyVariants(
  op: Operation,
  base: Parts,
  r: Rng,
  add: (name: string, parts: Parts, extra?: Omit<Variant, 'name' | 'request'>) => void,
): void {
  const raw = (name: string, payload: string | Buffer, type = 'application/json', extra: Omit<Variant, 'name' | 'request'> = {}) =>
    add(`body ${name}`, { ...base, body: undefined, raw: { payload, type } }, extra);
  // Bodies that fail before any handler could run: safe to send where the route reads no body at all.
  raw('truncated JSON', '{"content": "路灯');
  raw('invalid UTF-8 bytes', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]));
  raw('empty JSON', '');
  raw('10 MB', TEN_MB, 'application/json', { big: true });
  raw('as text/plain', 'channel=web&content=x', 'text/plain');
  raw('as a form', 'channel=web&content=x', 'application/x-www-form-urlencoded');
  raw('as multipart', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--', 'multipart/form-data; boundary=x');
  if (!op.body) return;

  const schema: Schema = op.body;
  const valid = base.body as Record<string, unknown>;
  const withValue = (name: string, body: unknown, extra: Omit<Variant, 'name' | 'request'>) =>
    add(`body ${name}`, { ...base, body }, extra);
  raw('as text/xml', '<xml><a>1</a></xml>', 'text/xml');
  raw('as UTF-16', Buffer.from(JSON.stringify(valid), 'utf16le'), 'application/json; charset=utf-16');
  raw(`nested ${10_000} deep`, deepJson(10_000), 'application/json', { big: true });
  raw('an array', JSON.stringify([valid]));
  for (const v of ['null', '"text"', '12345', 'true']) raw(`root ${v}`, v);
  raw('__proto__', JSON.stringify(valid).replace(/^\{/, '{"__proto__":{"isAdmin":true},'));
  raw('constructor.prototype', JSON.stringify(valid).replace(/^\{/, '{"constructor":{"prototype":{"isAdmin":true}},'));
  raw('duplicate keys', JSON.stringify(valid).replace(/^\{/, '{"isAdmin":1,"isAdmin":2,'));
  if (schema.type !== 'object' || !schema.properties) return;

  withValue('extra isAdmin', { ...valid, isAdmin: true }, { field: 'isAdmin', strict: true });
  const strings = Object.entries<Schema>(schema.properties).filter(([, s]) => s.type === 'string');
  const huge = strings.length > 0 ? r.pick(strings)[0] : null;
  for (const [name] of Object.entries<Schema>(schema.properties)) {
    const { [name]: _drop, ...rest } = valid;
    if (schema.required?.includes(name)) withValue(`${name} missing`, rest, { field: name, strict: true });
    const candidates: unknown[] = [...wrongTypes(r), ...r.some(TEXT_VALUES, 4), ...r.some(NOT_TEXTS, 2), HUNDRED_KB];
    for (const v of candidates) {
      if (!refused(schema, { ...valid, [name]: v }, 'body')) continue;
      const label = typeof v === 'string' ? JSON.stringify(v.slice(0, 30)) : JSON.stringify(v);
      withValue(`${name}=${label}`, { ...valid, [name]: v }, { field: name, strict: true, big: v === HUNDRED_KB });
    }
    if (refused(schema, { ...valid, [name]: [[[]]] }, 'body')) {
      raw(
        `${name} nested 10,000 deep`,
        JSON.stringify({ ...valid, [name]: 0 }).replace(`"${name}":0`, `"${name}":${deepJson(10_000)}`),
        'application/json',
        { field: name, big: true },
      );
    }
    if (name === huge) withValue(`${name} of 10 MB`, { ...valid, [name]: TEN_MB }, { big: true });
  }
}
