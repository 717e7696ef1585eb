/**
 * One call's draft: what the operator typed, what they chose over the rules, and
 * the draft's own Idempotency-Key. The form shows a draft object; taking the next
 * call replaces it with a fresh one (new key, every field empty), so no field or
 * key of the previous caller can survive into the next order: there is nothing
 * to reset, only a new value to show.
 */
import { newKey, type NewOrder } from '../shared/api.ts';
import type { Channel, RequestType, Urgency } from '../../core/lists.ts';

export interface Draft {
  key: string;
  callId: string | null;
  channel: Channel;
  phone: string;
  name: string;
  content: string;
  location: string;
  /** The operator's choices; empty means "as the rules say". */
  categoryCode: string;
  areaCode: string;
  urgency: Urgency | '';
  requestType: RequestType | '';
  /** 知识缺口: a consultation no entry answers, for the knowledge team to answer. */
  knowledgeGap: boolean;
  /** 同一事项再次来电: the earlier order this call is about. */
  related: { id: number; number: string } | null;
}

export function newDraft(): Draft {
  return {
    key: newKey(),
    callId: null,
    channel: 'phone',
    phone: '',
    name: '',
    content: '',
    location: '',
    categoryCode: '',
    areaCode: '',
    urgency: '',
    requestType: '',
    knowledgeGap: false,
    related: null,
  };
}

/** The body of POST /api/orders: only what was given, overrides only when chosen. */
export function orderBody(d: Draft): NewOrder {
  const body: NewOrder = { channel: d.callId ? 'phone' : d.channel, content: d.content.trim() };
  const phone = d.phone.trim();
  const name = d.name.trim();
  const location = d.location.trim();
  if (phone) body.citizenPhone = phone;
  if (name) body.citizenName = name;
  if (location) body.locationText = location;
  if (d.callId) body.callId = d.callId;
  if (d.categoryCode) body.categoryCode = d.categoryCode;
  if (d.areaCode) body.areaCode = d.areaCode;
  if (d.urgency) body.urgency = d.urgency;
  if (d.requestType) body.requestType = d.requestType;
  if (d.related) body.relatedOrderId = d.related.id;
  if (d.knowledgeGap) body.knowledgeGap = true;
  return body;
}

/** A number worth looking up: seven digits or more (a landline without area code has seven or eight). */
export const lookupablePhone = (phone: string) => (phone.replace(/[^0-9]/g, '').length >= 7 ? phone.trim() : null);
