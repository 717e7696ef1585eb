// 督办看板: for my unit (or ?unit=, a unit below it) and each unit directly below,
// the running clocks on time / at risk / overdue, then the orders themselves in
// three lists, each under its worst clock. 催办 and 督办 on the late ones. Every
// live event for the unit re-fetches the board (debounced): simple and always right.
import { act, api, formatTime, h, labelsOf, loadLabels, refresher, requireLogin, say, sayError, topBar } from './app.js';
import { connectLive } from './live.js';
import { byOrder, clockChips, CLASS_OF, worst } from './orders-view.js';

const user = await requireLogin();
topBar('督办看板');
const unitId = new URLSearchParams(location.search).get('unit') ?? user.unitId;
// The clock kinds (the table's column groups) and the three standings come from the
// core through the API, in its order, so the board follows the ladder the server runs.
const labels = await loadLabels();
const KINDS = labels.clockKinds.map((k) => [k.code, k.label]);
const STANDINGS = labels.standings.map((s) => s.code);
const STANDING_LABELS = labelsOf(labels.standings);
const URGENCY_LABELS = labelsOf(labels.urgencies);
const LIST_OF = { overdue: 'overdue', atRisk: 'at-risk', onTime: 'on-time' };

const u = encodeURIComponent(unitId);
const { now: load, soon: reload } = refresher(
  () => Promise.all([api(`/api/sla/board?unit=${u}`), api(`/api/sla/clocks?unit=${u}&limit=500`)]),
  ([board, clocks]) => {
    document.getElementById('unit-name').textContent = board.unit.name;
    document.getElementById('board-at').textContent = `统计时间 ${formatTime(board.at)}`;
    renderTable(board.rows);
    renderLists(byOrder(clocks.items));
  },
);

function renderTable(rows) {
  const head = h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', { rowspan: 2 }, '单位'),
      KINDS.map(([, label]) => h('th', { colspan: 3 }, label)),
      h('th', { colspan: 3 }, '合计'),
    ),
    h(
      'tr',
      {},
      [...KINDS, ['totals']].flatMap(() => STANDINGS.map((s) => h('th', { class: `count-${s}` }, STANDING_LABELS[s].slice(0, 2)))),
    ),
  );
  const body = h(
    'tbody',
    {},
    rows.map((r) => {
      const name =
        r.scope === 'self' ? `${r.unitName}（本单位）` : h('a', { href: `/board.html?unit=${encodeURIComponent(r.unitId)}` }, r.unitName);
      const cells = [...KINDS.map(([k]) => r.clocks[k] ?? { onTime: 0, atRisk: 0, overdue: 0 }), r.totals].flatMap((c) =>
        STANDINGS.map((s) => h('td', { class: !c[s] ? 'zero' : s === 'overdue' ? 'hot' : s === 'atRisk' ? 'warm' : undefined }, c[s])),
      );
      return h('tr', { 'data-unit': r.unitId }, h('td', { class: 'name' }, name), cells);
    }),
  );
  document.getElementById('board').replaceChildren(head, body);
}

function renderLists(clocksByOrder) {
  const lists = { overdue: [], atRisk: [], onTime: [] };
  for (const [orderId, clocks] of clocksByOrder) lists[worst(clocks)].push(row(orderId, clocks));
  for (const s of STANDINGS) {
    const items = lists[s];
    document.getElementById(LIST_OF[s]).replaceChildren(...(items.length ? items : [h('li', { class: 'empty' }, '无')]));
  }
}

function row(orderId, clocks) {
  const first = clocks[0];
  const standing = worst(clocks);
  const late = standing !== 'onTime';
  return h(
    'li',
    { class: `order-row ${CLASS_OF[standing]}`, 'data-order-id': orderId, 'data-order-number': first.number, 'data-standing': standing },
    h(
      'div',
      { class: 'order-head' },
      h('span', { class: 'number' }, first.number),
      h('span', { class: 'status', 'data-status': first.status }, first.statusLabel),
      h('span', {}, first.unitName),
      first.urgency === 'urgent' ? h('span', { class: 'urgent' }, URGENCY_LABELS.urgent) : null,
      first.urgeCount ? h('span', { class: 'muted', 'data-urged': first.urgeCount }, `已催办 ${first.urgeCount} 次`) : null,
      first.supervisedAt ? h('span', { class: 'muted', 'data-supervised': '' }, `督办于 ${formatTime(first.supervisedAt)}`) : null,
    ),
    clockChips(clocks),
    late
      ? h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', 'data-action': 'urge', onclick: () => run(orderId, first.number, 'urge', '已催办') }, '催办'),
          h(
            'button',
            { type: 'button', 'data-action': 'supervise', onclick: () => run(orderId, first.number, 'supervise', '已督办') },
            '督办',
          ),
        )
      : null,
  );
}

async function run(orderId, number, action, done) {
  try {
    await act(orderId, action);
    say(`${number} ${done}`);
  } catch (err) {
    sayError(err);
  }
  load();
}

if (unitId !== user.unitId) {
  const up = document.getElementById('up');
  up.href = '/board.html';
  up.textContent = '返回本单位';
  up.hidden = false;
}
load();
connectLive({ subscriptions: [{ topic: 'unit', unit: unitId }], onEvents: reload, onReady: reload });
