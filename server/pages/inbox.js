// 承办工作台: the orders my unit holds, with their clocks; claim (签收), hand down
// (下派), return (退单, with a coded reason), reply (回复). New orders appear through
// the live feed: any event for my unit re-fetches the list (debounced).
import { act, api, h, refresher, requireLogin, RETURN_REASONS, say, sayError, topBar } from './app.js';
import { connectLive } from './live.js';
import { byOrder, clockChips, CLASS_OF, orderHead, worst } from './orders-view.js';

const user = await requireLogin();
topBar('承办工作台');
const unitId = user.unitId;
const list = document.getElementById('orders');
let children = [];
// The card whose form is open: the same form element is put back after every live
// refresh, so what the handler is typing survives it.
let open = null;
let shown = { orders: [], clocks: new Map() };

const statuses = ['dispatched', 'reopened', 'claimed', 'returned'].map((s) => `status=${s}`).join('&');
const { now: load, soon: reload } = refresher(
  () =>
    Promise.all([
      api(`/api/orders?unit=${encodeURIComponent(unitId)}&${statuses}&limit=200`),
      api(`/api/sla/clocks?unit=${encodeURIComponent(unitId)}&limit=500`),
    ]),
  ([orders, clocks]) => render(orders.items, byOrder(clocks.items)),
);

function render(orders, clocks) {
  shown = { orders, clocks };
  if (!orders.length) return list.replaceChildren(h('li', { class: 'empty' }, '暂无待办工单'));
  // Most urgent first: the nearest deadline leads.
  const due = (o) => Math.min(...(clocks.get(o.id) ?? []).map((c) => c.timeLeftMs), Infinity);
  orders.sort((a, b) => due(a) - due(b));
  list.replaceChildren(...orders.map((o) => card(o, clocks.get(o.id) ?? [])));
}

function card(o, clocks) {
  const li = h('li', { class: CLASS_OF[worst(clocks)], 'data-order-id': o.id, 'data-order-number': o.number, 'data-status': o.status });
  const buttons = [];
  const button = (text, name, onclick) => buttons.push(h('button', { type: 'button', 'data-action': name, onclick }, text));
  if (o.status === 'dispatched' || o.status === 'reopened') button('签收', 'claim', () => run(o, 'claim'));
  if (o.status === 'claimed') {
    button('回复', 'reply', () => toggle(o.id, 'reply'));
    if (children.length) button('下派', 'hand_down', () => toggle(o.id, 'hand_down'));
  }
  if (o.status === 'returned' && children.length) button('重新派单', 'dispatch', () => toggle(o.id, 'dispatch'));
  if (o.status === 'dispatched' || o.status === 'claimed') button('退单', 'return', () => toggle(o.id, 'return'));
  li.append(...orderHead(o), clockChips(clocks), h('div', { class: 'actions' }, buttons));
  if (open?.id === o.id) li.append((open.form ??= actionForm(o, open.action)));
  return li;
}

function toggle(id, action) {
  open = open?.id === id && open.action === action ? null : { id, action, form: null };
  render(shown.orders, shown.clocks);
}

/** The small form under a card for the actions that need more than a click. */
function actionForm(o, action) {
  const form = h('form', { class: 'panel', 'data-form': action });
  const submit = (label) => h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, label));
  if (action === 'reply') {
    form.append(h('label', {}, h('span', {}, '答复诉求人'), h('textarea', { name: 'text', required: true })), submit('提交回复'));
    form.addEventListener('submit', (e) => (e.preventDefault(), run(o, 'reply', { text: form.text.value.trim() })));
  } else if (action === 'hand_down' || action === 'dispatch') {
    const options = children.map((c) => h('option', { value: c.unitId }, `${c.unitName}（${c.unitId}）`));
    form.append(
      h('label', {}, h('span', {}, '下级承办单位'), h('select', { name: 'unit' }, options)),
      submit(action === 'dispatch' ? '派单' : '下派'),
    );
    form.addEventListener('submit', (e) => (e.preventDefault(), run(o, action, { unitId: form.unit.value })));
  } else if (action === 'return') {
    const reasons = Object.entries(RETURN_REASONS).map(([code, text]) => h('option', { value: code }, text));
    form.append(
      h('label', {}, h('span', {}, '退单原因'), h('select', { name: 'code' }, reasons)),
      h('label', {}, h('span', {}, '说明'), h('input', { type: 'text', name: 'reason' })),
      submit('退回'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const reason = form.reason.value.trim();
      if (form.code.value === 'other' && !reason) return say('退单原因为「其他」时必须填写说明', 'error');
      run(o, 'return', { reasonCode: form.code.value, ...(reason ? { reason } : {}) });
    });
  }
  return form;
}

const DONE = { claim: '已签收', reply: '已回复', hand_down: '已下派', dispatch: '已派单', return: '已退回' };

async function run(o, action, body = {}) {
  try {
    await act(o.id, action, body);
    open = null;
    say(`${o.number} ${DONE[action]}`);
  } catch (err) {
    sayError(err);
  }
  load();
}

async function start() {
  try {
    // The board lists the units directly below mine: the targets of 下派.
    const board = await api(`/api/sla/board?unit=${encodeURIComponent(unitId)}`);
    document.getElementById('unit-name').textContent = board.unit.name;
    children = board.rows.filter((r) => r.scope === 'subtree');
  } catch (err) {
    sayError(err);
  }
  await load();
  connectLive({ subscriptions: [{ topic: 'unit', unit: unitId }], onEvents: reload, onReady: reload });
}
start();
