/**
 * This shift's orders, newest first: each with the notice that was read out, kept
 * in this tab's memory only (the notice holds the query code in clear, which the
 * server never gives again), and its status as the live feed reports it.
 */
import { reactive } from 'vue';
import type { CreatedOrder } from '../shared/api.ts';

export interface ShiftEntry {
  order: CreatedOrder;
  notice: string;
  status: string;
  at: string;
  answered: boolean;
}

export const shift = reactive<{ entries: ShiftEntry[] }>({ entries: [] });

export function remember(order: CreatedOrder, opts: { answered?: boolean; status?: string } = {}): ShiftEntry {
  const existing = shift.entries.find((e) => e.order.id === order.id);
  if (existing) {
    if (opts.status) existing.status = opts.status;
    return existing;
  }
  shift.entries.unshift({
    order,
    notice: order.notice,
    status: opts.status ?? order.status,
    at: order.createdAt,
    answered: Boolean(opts.answered),
  });
  return shift.entries[0]!;
}

export function noteStatus(orderId: number, status: string) {
  for (const e of shift.entries) if (e.order.id === orderId) e.status = status;
}
