// Pieces of an order card shared by the inbox, the queue and the board.
import { formatLeft, formatTime, h, URGENCY_LABELS } from './app.js';

const RANK = { onTime: 0, atRisk: 1, overdue: 2 };
export const CLASS_OF = { onTime: 'on-time', atRisk: 'at-risk', overdue: 'overdue' };

/** The worst standing among an order's running clocks. */
export const worst = (clocks) => clocks.reduce((w, c) => (RANK[c.standing] > RANK[w] ? c.standing : w), 'onTime');

/** Clocks from GET /api/sla/clocks, grouped by order id. */
export function byOrder(items) {
  const map = new Map();
  for (const c of items) {
    if (!map.has(c.orderId)) map.set(c.orderId, []);
    map.get(c.orderId).push(c);
  }
  return map;
}

export function clockChips(clocks) {
  return h(
    'ul',
    { class: 'clocks' },
    clocks.map((c) =>
      h(
        'li',
        { class: `clock ${c.standing}`, 'data-clock': c.kind, title: `时限 ${formatTime(c.dueAt)}` },
        `${c.label} ${formatLeft(c.timeLeftMs)}`,
      ),
    ),
  );
}

/** Number, status, urgency, category and the complaint. */
export function orderHead(o) {
  return [
    h(
      'div',
      { class: 'order-head' },
      h('span', { class: 'number' }, o.number),
      h('span', { class: 'status', 'data-status': o.status }, o.statusLabel ?? o.status),
      o.urgency === 'urgent' ? h('span', { class: 'urgent' }, URGENCY_LABELS.urgent) : null,
      o.categoryCode ? h('span', { class: 'muted' }, o.categoryCode) : null,
      o.createdAt ? h('span', { class: 'muted' }, `登记 ${formatTime(o.createdAt)}`) : null,
    ),
    o.content ? h('p', { class: 'content' }, o.content) : null,
    o.locationText ? h('p', { class: 'muted' }, `地址：${o.locationText}`) : null,
  ].filter(Boolean); // Element.append would write a null as the text "null"
}
