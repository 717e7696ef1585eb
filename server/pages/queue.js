// 派单队列: orders waiting at the hotline centre (registered, accepted, or returned
// all the way up). For the selected one: the classification's suggestion and
// candidate places, similar open orders to merge into, and transfer out.
import { act, api, h, refresher, requireLogin, say, sayError, topBar, TRANSFER_TARGETS } from './app.js';
import { connectLive } from './live.js';
import { orderHead } from './orders-view.js';

await requireLogin();
topBar('派单队列');
const queue = document.getElementById('queue');
const detail = document.getElementById('detail');
let selected = null;

const { now: load, soon: reload } = refresher(
  () => api('/api/orders?unit=hotline&status=received&status=accepted&status=returned&limit=200'),
  (page) => {
    // Oldest first: the queue is worked in the order complaints came in.
    const items = page.items.reverse();
    queue.replaceChildren(...(items.length ? items.map(row) : [h('li', { class: 'empty' }, '队列为空')]));
    if (selected && !items.some((o) => o.id === selected)) {
      selected = null;
      detail.replaceChildren(h('p', { class: 'empty' }, '选择左侧工单查看分类建议、疑似重复件并派单。'));
    }
  },
);

function row(o) {
  const li = h(
    'li',
    { 'data-order-id': o.id, 'data-order-number': o.number, class: o.id === selected ? 'selected' : undefined },
    ...orderHead(o),
  );
  if (o.returnCount) li.append(h('p', { class: 'urgent' }, `已退单 ${o.returnCount} 次`));
  li.addEventListener('click', () => select(o.id));
  return li;
}

async function select(id) {
  selected = id;
  for (const li of queue.children) li.classList.toggle('selected', Number(li.dataset.orderId) === id);
  try {
    const [order, similar] = await Promise.all([api(`/api/orders/${id}`), api(`/api/orders/${id}/similar`)]);
    if (selected === id) showDetail(order, similar.items);
  } catch (err) {
    sayError(err);
  }
}

/** Dispatch targets: the rules' unit, then the units along each candidate place's path. */
function targets(c) {
  const list = [];
  const add = (id, name, why) => list.some((t) => t.id === id) || list.push({ id, name, why });
  if (c?.unit) add(c.unit.id, c.unit.name, '规则推荐');
  const owner = c?.explanation?.find((e) => e.rule.startsWith('routing:'))?.matched[0] ?? '';
  for (const area of [...(c?.area ? [c.area] : []), ...(c?.candidates ?? [])]) {
    // Government units carry their area's code as their id; deepest first, the owning level marked.
    for (const p of [...area.path].reverse()) {
      if (p.level === 'city') continue;
      add(
        p.code,
        area.path
          .slice(1, area.path.indexOf(p) + 1)
          .map((x) => x.name)
          .join(' › '),
        owner === p.level ? '主管层级' : '',
      );
    }
  }
  return list;
}

function showDetail(o, similar) {
  const c = o.classification;
  const list = targets(c);
  // Preselect the rules' unit, else the first unit at the owning level (never a guess at a community).
  const preferred = list.find((t) => t.why)?.id;
  const choices = list.map((t) =>
    h(
      'label',
      { class: 'field' },
      h('input', { type: 'radio', name: 'target', value: t.id, checked: t.id === preferred }),
      ` ${t.name}（${t.id}）`,
      t.why ? h('mark', {}, t.why) : null,
    ),
  );
  const form = h(
    'form',
    { id: 'dispatch-form' },
    h('h2', {}, '派单'),
    choices.length ? choices : h('p', { class: 'empty' }, '规则没有给出候选单位，请填写单位编号。'),
    h(
      'label',
      {},
      h('span', {}, '或填写单位编号'),
      h('input', { type: 'text', name: 'other', placeholder: '如 120102001 或 120102:urban' }),
    ),
    o.returnCount
      ? h('label', { class: 'field' }, h('input', { type: 'checkbox', name: 'designate' }), ' 指定承办（被指定的单位不能再退回）')
      : null,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'dispatch' }, '派单')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const unitId = form.other.value.trim() || form.querySelector('input[name=target]:checked')?.value;
    if (!unitId) return say('请选择或填写承办单位', 'error');
    dispatch(o, unitId, Boolean(form.designate?.checked));
  });

  const explanation = (c?.explanation ?? []).map((e) => h('li', {}, `${e.rule}：${e.matched.join('、')}`));
  const merges = similar.map((s) =>
    h(
      'li',
      { 'data-similar': s.id },
      h('span', { class: 'number' }, s.number),
      ` 相似度 ${Math.round(s.similarity * 100)}% `,
      h('button', { type: 'button', onclick: () => run(o, 'merge', { masterId: s.id }, `已合并到 ${s.number}`) }, '合并到此件'),
      h('p', { class: 'content muted' }, s.content),
    ),
  );
  // No default target: taking a complaint out of the hotline's hands is chosen, never fallen into.
  const transfer = h(
    'select',
    { name: 'transfer', 'aria-label': '转出去向' },
    h('option', { value: '' }, '选择转出去向'),
    Object.entries(TRANSFER_TARGETS).map(([v, text]) => h('option', { value: v, selected: c?.transfer === v }, text)),
  );
  const transferOut = () => (transfer.value ? run(o, 'transfer', { target: transfer.value }, '已转出') : say('请选择转出去向', 'error'));
  detail.replaceChildren(
    ...orderHead(o),
    h('h2', {}, '分类建议'),
    h(
      'p',
      {},
      c
        ? `${c.category.name} · 置信度 ${Math.round(c.confidence * 100)}%${c.transfer ? ` · 建议转出 ${TRANSFER_TARGETS[c.transfer]}` : ''}`
        : '无',
    ),
    h('ul', { class: 'explanation' }, explanation),
    form,
    h('h2', {}, '疑似重复件'),
    merges.length ? h('ul', { class: 'orders' }, merges) : h('p', { class: 'empty' }, '没有相似的在办工单'),
    h('h2', {}, '转出'),
    h('div', { class: 'actions' }, transfer, h('button', { type: 'button', onclick: transferOut }, '转出')),
  );
}

async function dispatch(o, unitId, designate) {
  try {
    // A registered order is accepted (受理) first: the state machine dispatches only accepted ones.
    if (o.status === 'received') await act(o.id, 'accept');
    await act(o.id, 'dispatch', { unitId, ...(designate ? { designate: true } : {}) });
    say(`${o.number} 已派往 ${unitId}`);
  } catch (err) {
    sayError(err);
  }
  load();
}

async function run(o, action, body, done) {
  try {
    await act(o.id, action, body);
    say(`${o.number} ${done}`);
  } catch (err) {
    sayError(err);
  }
  load();
}

load();
connectLive({ subscriptions: [{ topic: 'queue' }], onEvents: reload, onReady: reload });
