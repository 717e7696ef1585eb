// 话务台: log a call while the caller is on the line. The call event prefills the
// form (?call=<callId>), the classification follows the text as it is typed, and
// after submitting the operator reads the one-time notice (一次性告知) to the caller.
import { api, debounce, formatTime, h, newKey, requireLogin, say, sayError, topBar, URGENCY_LABELS } from './app.js';

await requireLogin();
topBar('话务台', { live: false });

const $ = (id) => document.getElementById(id);
const form = $('order-form');
let callId = null;
// One key per draft: a double click or a retry after a timeout makes one order, not two.
let draftKey = newKey();
let classifySeq = 0;

async function openCall(id) {
  try {
    const call = await api(`/api/channels/phone/calls/${encodeURIComponent(id)}`);
    callId = call.callId;
    $('call-id').value = call.callId;
    $('channel').value = 'phone';
    $('channel').disabled = true;
    if (call.callerNumber) $('phone').value = call.callerNumber;
    if (call.transcript && !$('content').value) $('content').value = call.transcript;
    const when = call.answeredAt ?? call.startedAt;
    $('call-info').textContent =
      `来电 ${call.callId}：${call.callerNumber ?? '号码未知'}，${when ? `接通于 ${formatTime(when)}` : '未接通'}` +
      (call.endedAt ? `，已挂断（${formatTime(call.endedAt)}）` : '，通话中') +
      (call.orderId ? `。该来电已登记工单（id ${call.orderId}）` : '');
    classifyNow();
  } catch (err) {
    sayError(err.status === 404 ? `来电 ${id} 不存在` : err);
  }
}

function showClassification(c) {
  const area = c.area
    ? c.area.path.map((p) => p.name).join(' › ')
    : c.candidates.length
      ? `地点不唯一（${c.candidates.length} 处同名）`
      : '未识别';
  const rows = [
    ['事项分类', h('span', { 'data-category': c.category.code }, `${c.category.name}（${c.category.code}）`)],
    ['紧急程度', h('span', { class: c.urgency === 'urgent' ? 'urgent' : undefined }, URGENCY_LABELS[c.urgency] ?? c.urgency)],
    ['区域', area],
    ['承办单位', c.unit ? c.unit.name : '待派单员确定'],
    ['置信度', `${Math.round(c.confidence * 100)}%`],
    ['派单方式', c.transfer ? `建议转出：${c.transfer}` : c.autoDispatch ? '智能派单（登记后自动派出）' : '进入派单队列'],
  ];
  const explanation = c.explanation.map((e) =>
    h('li', {}, `${e.rule}：`, ...e.matched.flatMap((w, i) => [i ? '、' : '', h('mark', {}, w)])),
  );
  $('classification').replaceChildren(
    h('h2', {}, '智能分类'),
    h(
      'dl',
      {},
      rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
    h('h2', {}, '判断依据'),
    h('ul', { class: 'explanation' }, explanation),
  );
}

async function classifyNow() {
  const text = $('content').value.trim();
  if (!text) return;
  const location = $('location').value.trim();
  // Answers may come back out of order while typing; only the latest one is shown.
  const seq = ++classifySeq;
  try {
    const c = await api('/api/classify', { method: 'POST', body: { text, ...(location ? { location } : {}) } });
    if (seq === classifySeq) showClassification(c);
  } catch (err) {
    if (seq === classifySeq) sayError(err);
  }
}
const classifySoon = debounce(classifyNow, 300);
$('content').addEventListener('input', classifySoon);
$('location').addEventListener('input', classifySoon);

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const content = $('content').value.trim();
  if (!content) return say('请填写诉求内容', 'error');
  const body = { channel: callId ? 'phone' : $('channel').value, content };
  const phone = $('phone').value.trim();
  const name = $('name').value.trim();
  const location = $('location').value.trim();
  if (phone) body.citizenPhone = phone;
  if (name) body.citizenName = name;
  if (location) body.locationText = location;
  if (callId) body.callId = callId;
  $('submit').disabled = true;
  try {
    const order = await api('/api/orders', { method: 'POST', body, headers: { 'idempotency-key': draftKey } });
    // A second click answers with the same order, whose notice cannot give the query
    // code again (only its hash is kept): the first notice stays for the operator to read out.
    const shown = !$('result').hidden && $('result').dataset.orderNumber === order.number;
    if (!shown) $('notice').textContent = order.notice;
    $('created').textContent = `工单 ${order.number} · ${order.statusLabel} · 登记于 ${formatTime(order.createdAt)}`;
    $('result').hidden = false;
    $('result').dataset.orderNumber = order.number;
    say(`已登记工单 ${order.number}`);
  } catch (err) {
    sayError(err);
  } finally {
    $('submit').disabled = false;
  }
});

$('reset').addEventListener('click', () => {
  form.reset();
  callId = null;
  draftKey = newKey();
  $('channel').disabled = false;
  $('call-id').value = '';
  $('call-info').textContent = '';
  $('result').hidden = true;
  history.replaceState(null, '', location.pathname);
  $('classification').replaceChildren(h('h2', {}, '智能分类'), h('p', { class: 'empty' }, '输入诉求内容后显示分类结果及依据。'));
});

$('call-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = $('call-id').value.trim();
  if (id) {
    history.replaceState(null, '', `?call=${encodeURIComponent(id)}`);
    openCall(id);
  }
});

// Calls the call centre has announced and nobody has logged yet: one click opens one.
async function listWaitingCalls() {
  try {
    const { calls } = await api('/api/channels/phone/calls?limit=8');
    $('waiting-calls').replaceChildren(
      ...calls.map((c) =>
        h(
          'button',
          { type: 'button', onclick: () => (history.replaceState(null, '', `?call=${encodeURIComponent(c.callId)}`), openCall(c.callId)) },
          `${c.callerNumber ?? '号码未知'} · ${(c.answeredAt ?? c.startedAt) ? formatTime(c.answeredAt ?? c.startedAt) : '时间未知'}`,
        ),
      ),
    );
  } catch {
    // The list is a convenience; typing the call id still works.
  }
}
listWaitingCalls();
setInterval(listWaitingCalls, 10_000);

const fromUrl = new URLSearchParams(location.search).get('call');
if (fromUrl) openCall(fromUrl);
