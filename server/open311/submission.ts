/**
 * A POST requests.[format] body (application/x-www-form-urlencoded, as the spec
 * sends it) read into a submission, or refused with a 400 that names the argument.
 * Empty arguments count as absent, as the spec's "optional" says.
 */
import { createHash } from 'node:crypto';
import { invalid, missing } from './errors.ts';

export interface Submission {
  jurisdiction_id: string | null;
  service_code: string;
  lat: number | null;
  long: number | null;
  address_string: string | null;
  address_id: string | null;
  email: string | null;
  device_id: string | null;
  account_id: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  description: string;
  media_url: string | null;
  /** attribute[code]=value and attribute[code][]=value, by code, values in order. */
  attributes: Record<string, string[]>;
}

/** The fields a person is identified by: stored like the web form's contact, never shown by GET. */
export const PERSONAL_FIELDS = ['email', 'phone', 'first_name', 'last_name', 'device_id', 'account_id'] as const;

// Text the spec allows: no control characters but tab and line breaks, no lone surrogates (the XML could not carry them).
const CONTROL = /[^\t\n\r\u0020-\u007e\u00a0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const LIMITS: Record<string, number> = {
  jurisdiction_id: 100,
  service_code: 64,
  address_string: 300,
  address_id: 64,
  email: 254,
  device_id: 128,
  account_id: 128,
  first_name: 30,
  last_name: 30,
  phone: 32,
  // The spec's own limit for a description.
  description: 4000,
  media_url: 2000,
};
const MAX_ATTRIBUTES = 50;
const ATTRIBUTE = /^attribute\[([^\]]{1,64})\](\[\])?$/;
const COORDINATE = /^-?\d{1,3}(\.\d{1,12})?$/;

export function parseSubmission(form: URLSearchParams): Submission {
  const seen = new Map<string, string>();
  const attributes: Record<string, string[]> = {};
  for (const [key, raw] of form) {
    const a = ATTRIBUTE.exec(key);
    if (a) {
      const code = a[1]!;
      if (!(code in attributes) && Object.keys(attributes).length >= MAX_ATTRIBUTES)
        throw invalid('attribute', `最多 ${MAX_ATTRIBUTES} 项`);
      if (raw.length > 500 || CONTROL.test(raw)) throw invalid(`attribute[${code}]`, '不超过 500 个字符，且不含控制字符');
      if (!a[2] && attributes[code]) throw invalid(`attribute[${code}]`, '只能给出一次（多选请用 attribute[code][]）');
      (attributes[code] ??= []).push(raw);
      continue;
    }
    if (!(key in LIMITS) && key !== 'lat' && key !== 'long') continue;
    if (seen.has(key)) throw invalid(key, '只能给出一次');
    seen.set(key, raw);
  }
  const text = (key: string): string | null => {
    const value = (seen.get(key) ?? '').trim();
    if (!value) return null;
    if (CONTROL.test(value)) throw invalid(key, '含有不允许的控制字符');
    if ([...value].length > LIMITS[key]!) throw invalid(key, `不超过 ${LIMITS[key]} 个字符`);
    return value;
  };
  const service_code = text('service_code');
  if (!service_code) throw missing('service_code', '事项代码（见 services.json）');
  const description = text('description');
  // Optional in the spec; the hotline cannot classify, route or answer a complaint without its words.
  if (!description) throw missing('description', '诉求内容');
  const lat = coordinate(seen.get('lat'), 'lat', 90);
  const long = coordinate(seen.get('long'), 'long', 180);
  if ((lat === null) !== (long === null)) throw missing(lat === null ? 'lat' : 'long', 'lat 与 long 须同时给出');
  const address_string = text('address_string');
  const address_id = text('address_id');
  if (lat === null && !address_string && !address_id) {
    throw missing('address_string', '事发位置：lat 与 long、address_string 或 address_id 至少给出一种');
  }
  const email = text('email');
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalid('email', '不是电子邮件地址');
  const phone = text('phone');
  if (phone && !/^\+?[0-9][0-9 ()-]{2,}$/.test(phone)) throw invalid('phone', '只能含数字、空格、括号、连字符和开头的 +');
  const media_url = text('media_url');
  if (media_url && !/^https?:\/\/[^\s]+$/i.test(media_url)) throw invalid('media_url', '须为 http 或 https 地址');
  return {
    jurisdiction_id: text('jurisdiction_id'),
    service_code,
    lat,
    long,
    address_string,
    address_id,
    email,
    device_id: text('device_id'),
    account_id: text('account_id'),
    first_name: text('first_name'),
    last_name: text('last_name'),
    phone,
    description,
    media_url,
    attributes: Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

function coordinate(raw: string | undefined, field: string, bound: number): number | null {
  const value = (raw ?? '').trim();
  if (!value) return null;
  if (!COORDINATE.test(value) || Math.abs(Number(value)) > bound)
    throw invalid(field, `须为 -${bound} 到 ${bound} 之间的十进制度数（WGS84）`);
  return Number(value);
}

/** The citizen's name as the web form keeps it: family name first, no space between Chinese names. */
export function citizenName(s: Pick<Submission, 'first_name' | 'last_name'>): string | null {
  const parts = [s.first_name, s.last_name].filter((p): p is string => Boolean(p));
  if (parts.length < 2) return parts[0] ?? null;
  const han = /^\p{Script=Han}+$/u;
  return han.test(s.first_name!) && han.test(s.last_name!) ? `${s.last_name}${s.first_name}` : `${s.first_name} ${s.last_name}`;
}

/**
 * The idempotency key of a submission: the digest of everything it says (the api_key
 * is not in it: the client's key space is the scope), with the Beijing day. Open311
 * has no Idempotency-Key; what a client sends again after a timeout is the same body,
 * so the body is the key. The day lets the same words from the same client make a new
 * order later on (a street light out again next month); a retry that crosses midnight
 * is caught by also looking for the previous day's key (see the service).
 */
export function submissionDigest(s: Submission): string {
  return createHash('sha256').update(JSON.stringify(s)).digest('hex').slice(0, 40);
}

export const keyFor = (digest: string, day: string) => `${digest}:${day}`;
