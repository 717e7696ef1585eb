/** What a viewer is shown of an order, shared by the routes that answer with one. */
import { maskPhone } from '../core/access.ts';
import { STATUS_LABELS } from '../core/lifecycle.ts';
import { REQUEST_TYPE_LABELS } from '../core/lists.ts';
import { maskPhonesIn, MASKED, redactValue } from '../core/privacy.ts';
import type { OrderRow } from '../../db/queries/orders.ts';

/**
 * What a viewer is shown of an order: the phone number masked unless revealed, also
 * where the citizen wrote it into the text; the classification (with its
 * explanation) only where one order is looked at.
 */
export const present = (row: OrderRow, phone: 'masked' | 'full' = 'masked', detail = false) => {
  const { classification, ...rest } = row;
  const text = (v: string | null) => (v === null || phone === 'full' ? v : maskPhonesIn(v));
  return {
    ...rest,
    ...(detail
      ? { classification: phone === 'full' ? classification : (redactValue(classification, MASKED) as typeof classification) }
      : {}),
    citizenPhone: phone === 'full' ? row.citizenPhone : maskPhone(row.citizenPhone),
    content: text(row.content)!,
    locationText: text(row.locationText),
    replyText: text(row.replyText),
    statusLabel: STATUS_LABELS[row.status],
    requestTypeLabel: REQUEST_TYPE_LABELS[row.requestType],
  };
};
