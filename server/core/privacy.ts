/**
 * 个人信息 (pure): what of a stored record a viewer is shown. The order trail keeps
 * each submission as it came in, for the record (痕迹管理); what leaves the service
 * follows the order's own rules: phone numbers masked unless the viewer may reveal
 * them (the caller records the reveal), network metadata (the submitter's address,
 * the WeChat openid, the raw XML) only for an admin who asks for it.
 */
import { maskPhone } from './access.ts';

export interface Disclosure {
  /** Full phone numbers, in fields and in free text. */
  phone: boolean;
  /** Addresses, openids, raw channel messages. */
  network: boolean;
}

export const MASKED: Disclosure = { phone: false, network: false };

/** Fields that hold a citizen's phone number, under any of the names the channels use. */
const PHONE_KEYS = new Set(['phone', 'citizenPhone', 'callerNumber', 'caller_number', 'mobile']);
/** Fields that identify a citizen's device or account on a network, or carry a channel's raw message. */
const NETWORK_KEYS = new Set([
  'ip',
  'raw',
  'xml',
  'openid',
  'fromUserName',
  'FromUserName',
  'channelUserId',
  'channel_user_id',
  'userAgent',
  'headers',
]);

// Mobile numbers (11 digits from 1[3-9]) and landlines with an area code, not inside a longer number.
const PHONE_IN_TEXT = /(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)/g;

/** Free text with every phone number in it masked: citizens often write theirs into the complaint. */
export const maskPhonesIn = (text: string): string => text.replace(PHONE_IN_TEXT, (m) => maskPhone(m) ?? m);

/** A stored value as this viewer may see it: phone fields and numbers in text masked, network fields dropped. */
export function redactValue(value: unknown, d: Disclosure, key?: string): unknown {
  if (d.network) return value;
  if (typeof value === 'string') {
    if (d.phone) return value;
    return key && PHONE_KEYS.has(key) ? maskPhone(value) : maskPhonesIn(value);
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, d));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (NETWORK_KEYS.has(k)) continue;
      // A channel that keeps its message as one string (WeChat's XML) keeps it whole or not at all.
      if (k === 'inbound' && typeof v === 'string') continue;
      out[k] = redactValue(v, d, k);
    }
    return out;
  }
  return value;
}

/** WeChat citizens act as 'citizen:wechat:<openid>': the openid is network metadata. */
export const redactActor = (actor: string, d: Disclosure) => (d.network ? actor : actor.replace(/^(citizen:wechat):.+$/, '$1'));

/** One audit event as this viewer may see it. */
export function redactEvent<E extends { actor: string; reason: string | null; payload: Record<string, unknown> }>(e: E, d: Disclosure): E {
  return {
    ...e,
    actor: redactActor(e.actor, d),
    reason: e.reason === null || d.phone ? e.reason : maskPhonesIn(e.reason),
    payload: redactValue(e.payload, d) as Record<string, unknown>,
  };
}
