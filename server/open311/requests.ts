/**
 * An order as a GeoReport v2 service request. Nothing personal leaves: the contact
 * (name, phone, email, device and account ids) is never selected (db/queries/open311.ts),
 * and phone numbers and e-mail addresses a citizen wrote into the text or a unit into
 * its reply are masked, as on the citizens' tracking page.
 */
import type { Open311Row } from '../../db/queries/open311.ts';
import { STATUS_LABELS, UNFINISHED_STATUSES, type OrderStatus } from '../core/lifecycle.ts';
import { maskPhonesIn } from '../core/privacy.ts';
import type { RuleSet } from '../core/rules.ts';
import { w3, type Item } from './format.ts';

/** The full name of an area of the tree (天津市河东区大王庄街道), or null. */
export type AreaNames = (code: string) => string | null;

const TRANSFERRED: Record<string, string> = { '110': '110 报警服务台', beijing: '北京市', hebei: '河北省', other: '其他有权处理的机构' };
const OPEN = new Set<string>(UNFINISHED_STATUSES);

// An address before the @ kept to its first character: enough for its owner to recognise, no more.
const maskEmails = (text: string) => text.replace(/([\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]*@([\p{L}\p{N}.-]+\.[\p{L}]{2,})/gu, '$1***@$2');

/** Text a citizen or a unit wrote, as anyone may read it. */
export const publicText = (text: string) => maskEmails(maskPhonesIn(text));

/** Why the order stands where it does: the reply once there is one, else what happened to it. */
function statusNotes(r: Open311Row): string {
  if (r.status === 'merged') return `与工单 ${r.mergedInto ?? ''} 反映的是同一问题，已合并办理`;
  if (r.status === 'transferred_out') return `不属本热线办理范围，已转交${TRANSFERRED[r.transferTarget ?? 'other'] ?? '有权处理的机构'}`;
  if (r.replyText) return publicText(r.replyText);
  return STATUS_LABELS[r.status as OrderStatus] ?? r.status;
}

const coordinate = (v: string | null) => (v === null || v === '' ? null : Number(v));

export function requestItem(r: Open311Row, rules: RuleSet, areaNames: AreaNames): Item {
  const closed = !OPEN.has(r.status);
  return {
    service_request_id: r.number,
    status: closed ? 'closed' : 'open',
    status_notes: statusNotes(r),
    service_name: rules.categories.find((c) => c.code === r.categoryCode)?.name ?? null,
    service_code: r.categoryCode,
    description: publicText(r.content),
    agency_responsible: r.unitName,
    service_notice: null,
    requested_datetime: w3(r.createdAt),
    // "For requests with status=closed, this will be the date the request was closed."
    updated_datetime: w3(closed ? (r.closedAt ?? r.updatedAt) : r.updatedAt),
    expected_datetime: closed ? null : w3(r.resolveDue),
    address: r.locationText ? publicText(r.locationText) : r.areaCode ? areaNames(r.areaCode) : null,
    address_id: r.areaCode,
    zipcode: null,
    lat: coordinate(r.lat),
    long: coordinate(r.long),
    media_url: r.mediaUrl,
  };
}
