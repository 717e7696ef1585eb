/**
 * Chinese names of the codes the API speaks, from the core's own tables (bundled:
 * they are constants of the code), so a desk never shows `urban.sanitation` or
 * `dispatched` where a person expects a name.
 */
import { ROLE_LABELS } from '../../core/access.ts';
import {
  ACTION_LABELS,
  RETURN_REASON_LABELS,
  SATISFACTION_LABELS,
  STATUS_LABELS,
  TRANSFER_TARGET_LABELS,
  type OrderStatus,
} from '../../core/lifecycle.ts';
import {
  CHANNEL_LABELS,
  KB_CHANGE_LABELS,
  KB_MATERIAL_TYPE_LABELS,
  KB_MATERIAL_TYPES,
  KB_STATUS_LABELS,
  KB_STATUSES,
  REQUEST_TYPE_LABELS,
  REQUEST_TYPES,
  URGENCIES,
  URGENCY_LABELS,
  type Urgency,
} from '../../core/lists.ts';

export { RETURN_REASON_LABELS, TRANSFER_TARGET_LABELS };
export { KB_CHANGE_LABELS, KB_MATERIAL_TYPE_LABELS, KB_MATERIAL_TYPES, KB_STATUS_LABELS, KB_STATUSES };
export { ACTION_LABELS, REQUEST_TYPE_LABELS, REQUEST_TYPES, ROLE_LABELS, SATISFACTION_LABELS, STATUS_LABELS, URGENCIES, URGENCY_LABELS };

export { CHANNEL_LABELS };

export const statusLabel = (code: string) => STATUS_LABELS[code as OrderStatus] ?? '未知状态';
export const urgencyLabel = (code: string) => URGENCY_LABELS[code as Urgency] ?? '未知';
export const LEVEL_LABELS: Record<string, string> = { city: '市', district: '区', street: '街道', community: '社区' };
