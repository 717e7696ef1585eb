/**
 * GeoReport v2's two wire formats. JSON is the Spark convention's mapping of the XML:
 * a list is a JSON array, where the XML has a wrapping element (`services`,
 * `service_requests`, `errors`) around one element per item (`service`, `request`,
 * `error`). The XML goes through fast-xml-parser's XMLBuilder rather than string
 * concatenation: it escapes every text node, so a complaint's `<`, `&` or quotes can
 * never break the document or inject elements.
 */
import { XMLBuilder } from 'fast-xml-parser';

export type Format = 'json' | 'xml';
export const FORMATS: readonly Format[] = ['json', 'xml'];

export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** A value of a field: XML writes null as an empty element, JSON as null. */
export type Scalar = string | number | boolean | null;
export interface Item {
  [field: string]: Scalar | Scalar[] | Item[] | Item;
}

const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: true });

// Characters XML 1.0 cannot carry at all, even escaped: replaced rather than breaking the document.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const PROLOGUE = '<?xml version="1.0" encoding="utf-8"?>\n';

function xmlValue(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(NOT_XML_CHAR, '\uFFFD');
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, xmlValue(v)]));
  }
  if (Array.isArray(value)) return value.map(xmlValue);
  return String(value);
}

/** `{ root: { item: [...] } }` for XML, `[...]` for JSON. */
export function renderList(format: Format, root: string, item: string, items: Item[]): string {
  if (format === 'json') return JSON.stringify(items);
  return PROLOGUE + builder.build({ [root]: items.length ? { [item]: xmlValue(items) } : '' });
}

/**
 * One document. `lists` names the fields that are lists and what their XML items are
 * called (`attributes` → `attribute`, `formats` → `format`), at any depth.
 */
export function renderDocument(format: Format, root: string, doc: Item, lists: Record<string, string> = {}): string {
  if (format === 'json') return JSON.stringify(doc);
  const wrap = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) {
      const item = key ? lists[key] : undefined;
      if (!item) throw new Error(`no XML item name for the list ${key}`);
      return value.length ? { [item]: value.map((v) => wrap(v)) } : '';
    }
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v, k)]));
    return xmlValue(value);
  };
  return PROLOGUE + builder.build({ [root]: wrap(doc) });
}

/** `urban.sanitation.json` → the name and its format; anything else is no resource of ours. */
export function splitFormat(file: string): { name: string; format: Format } | null {
  const dot = file.lastIndexOf('.');
  if (dot <= 0) return null;
  const format = file.slice(dot + 1);
  return format === 'json' || format === 'xml' ? { name: file.slice(0, dot), format } : null;
}

/** The format a URL asks for, for an error on a path that matched nothing; XML, the required one, by default. */
export const formatOfUrl = (url: string): Format => (/\.json$/.test(url.split('?')[0]!) ? 'json' : 'xml');

/** w3 datetime in Beijing time (the spec wants an offset or Z; citizens read +08:00). */
export function w3(t: Date | null): string | null {
  if (!t) return null;
  const local = new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
  return `${local}+08:00`;
}
