// Shared by every page: the signed-in session, the API client, Beijing-time
// formatting, labels and a few DOM helpers. Plain ES module, no build step.
// Data is only ever put into the page as text (textContent), never as HTML.

const TOKEN_KEY = 'hotline.token';
const USER_KEY = 'hotline.user';

/** The sign-in lives in sessionStorage: it ends with the browser tab, as a shift does. */
export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  get user() {
    const raw = sessionStorage.getItem(USER_KEY);
    return raw ? JSON.parse(raw) : null;
  },
  save({ token, user }) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

export function toLogin() {
  const next = location.pathname + location.search;
  location.replace(`/login.html?next=${encodeURIComponent(next)}`);
}

/**
 * The signed-in user, or off to the login page. Pages `await` it at the top: when
 * nobody is signed in it never settles, so the page's script stops quietly while
 * the browser leaves.
 */
export function requireLogin() {
  const user = session.user;
  if (session.token && user) return Promise.resolve(user);
  toLogin();
  return new Promise(() => {});
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `请求失败（HTTP ${status}）`);
    this.status = status;
    this.code = body?.code;
    this.field = body?.field;
  }
}

/** fetch with the bearer token and JSON both ways; errors become ApiError with the server's message. */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const token = session.token;
  const res = await fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401 && path !== '/api/auth/login') {
    // The token expired or was revoked: sign in again and come back here.
    session.clear();
    toLogin();
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** One lifecycle action on an order (POST /api/orders/:id/actions/:action). */
export const act = (orderId, action, body = {}) => api(`/api/orders/${orderId}/actions/${action}`, { method: 'POST', body });

/** An Idempotency-Key; getRandomValues works on plain-http LAN pages too, where randomUUID does not. */
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ── time, always shown in Beijing time whatever the workstation's zone ──
const beijing = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function formatTime(value) {
  if (!value) return '—';
  const parts = Object.fromEntries(beijing.formatToParts(new Date(value)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** 剩余 1天3小时 / 超期 25分钟 */
export function formatLeft(ms) {
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const text = days ? `${days}天${hours}小时` : hours ? `${hours}小时${minutes}分钟` : `${minutes}分钟`;
  return ms >= 0 ? `剩余 ${text}` : `超期 ${text}`;
}

// ── labels of the codes the API speaks ──
/**
 * The core's code lists with their Chinese labels (GET /api/meta/labels), fetched
 * once per page: { statuses, clockKinds, stages, standings, roles, urgencies,
 * urgencyClasses }, each a list of { code, label } in the core's order.
 */
let labels;
export const loadLabels = () => (labels ??= api('/api/meta/labels'));
/** Turns one of those lists into { code: label }. */
export const labelsOf = (list) => Object.fromEntries(list.map((e) => [e.code, e.label]));
export const URGENCY_LABELS = { urgent: '紧急', normal: '一般' };
export const RETURN_REASONS = {
  not_our_jurisdiction: '不属于本单位职责',
  wrong_area: '地址不在本辖区',
  duplicate: '重复件',
  insufficient_information: '诉求信息不全',
  other: '其他（须填写原因）',
};
export const TRANSFER_TARGETS = { 110: '转110（公安）', beijing: '转北京12345', hebei: '转河北12345', other: '转其他热线' };
export const ROLE_PAGES = {
  operator: '/console.html',
  dispatcher: '/queue.html',
  handler: '/inbox.html',
  supervisor: '/board.html',
  reviewer: '/objections.html',
};

// ── DOM ──
/** h('li', { class: 'x', 'data-id': 1, onclick: fn }, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k in el && !k.startsWith('data-') && k !== 'list') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/**
 * What a live page shows, re-fetched: `now()` at once, `soon()` within `delayMs` of
 * the first event (a burst of live events makes one fetch). The wait is not
 * restarted by later events: on a busy city board events never pause, and a
 * page waiting for calm would never refresh. An answer that arrives after a later
 * fetch has started is dropped, so an old view never overwrites a newer one.
 * <html data-loading> is set while a fetch is due or running.
 */
export function refresher(fetchAll, show, delayMs = 200) {
  let seq = 0;
  let timer = null;
  const root = document.documentElement;
  async function now() {
    clearTimeout(timer);
    timer = null;
    const mine = ++seq;
    root.dataset.loading = '';
    try {
      const data = await fetchAll();
      if (mine === seq) show(data);
    } catch (err) {
      if (mine === seq) sayError(err);
    } finally {
      if (mine === seq && !timer) delete root.dataset.loading;
    }
  }
  function soon() {
    root.dataset.loading = '';
    timer ??= setTimeout(now, delayMs);
  }
  return { now, soon };
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** A message line at the top of the page: errors stay until the next one, successes fade. */
export function say(text, kind = 'info') {
  const box = document.getElementById('message');
  if (!box) return;
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(say.timer);
  if (kind !== 'error') say.timer = setTimeout(() => (box.hidden = true), 4000);
}
export const sayError = (err) => say(err instanceof Error ? err.message : String(err), 'error');

/** The bar on top of every staff page: where am I, who am I, the live light, sign out. */
export function topBar(title, { live = true } = {}) {
  const user = session.user;
  const nav = [
    ['/console.html', '话务台'],
    ['/queue.html', '派单队列'],
    ['/inbox.html', '承办工作台'],
    ['/board.html', '督办看板'],
  ].map(([href, text]) => h('a', { href, class: location.pathname === href ? 'current' : undefined }, text));
  const logout = h('button', { type: 'button', class: 'link', onclick: signOut }, '退出');
  const bar = h(
    'header',
    { class: 'top' },
    h('a', { href: '/', class: 'brand' }, '12345 热线工单'),
    h('nav', {}, nav),
    live ? h('span', { id: 'live-status', 'data-live': 'off', title: '实时连接' }, '连接中') : null,
    user ? h('span', { class: 'who' }, `${user.displayName}（${user.unitId}）`, logout) : h('a', { href: '/login.html' }, '登录'),
  );
  document.body.prepend(bar, h('div', { id: 'message', role: 'alert', hidden: true }));
  document.title = `${title} · 12345 热线工单`;
}

/** The live light: on (subscribed), off (reconnecting), error (refused). */
export function showLive(state, text) {
  const el = document.getElementById('live-status');
  if (!el) return;
  el.dataset.live = state;
  el.textContent = text ?? { on: '实时', off: '重连中', error: '订阅失败' }[state];
}

async function signOut() {
  try {
    await api('/api/auth/logout', { method: 'POST' });
  } catch {
    // Signing out locally matters more than telling the server.
  }
  session.clear();
  location.assign('/login.html');
}
