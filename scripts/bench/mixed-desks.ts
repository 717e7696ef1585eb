/**
 * The busy evening's desks, making the requests the built pages make: the
 * 承办工作台 (server/desks/inbox/InboxApp.vue) and the 督办看板 (server/desks/board),
 * each on the live feed. A handler's desk loads GET /api/orders/workbench when it
 * opens, again 250 ms after the last event of its unit (the page's debounce), after
 * each of its own steps and every two minutes for safety; it never polls otherwise.
 */
import { WebSocket } from 'ws';
import type { Role } from '../../server/core/access.ts';
import { applyEvents, tallyTree, type BoardEvent, type Line } from '../../server/desks/board/tally.ts';

export interface Street {
  id: string;
  district: string;
  place: string;
}
export interface User {
  username: string;
  unitId: string;
  roles: Role[];
  token: string;
  street?: Street;
}
export type Call = (
  kind: string,
  user: User,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
) => Promise<{ status: number; data: unknown; at: number }>;

export interface DeskContext {
  call: Call;
  wsUrl: string;
  /** Sockets opened, closed by the run's caller. */
  sockets: WebSocket[];
  /** Counts sockets that closed before the run ended. */
  lost(): void;
  stopping(): boolean;
}

const DEBOUNCE_MS = 250; // InboxApp.vue's soon()
const SAFETY_REFRESH_MS = 120_000; // InboxApp.vue's safety reload
const NOTICE_MS = [1000, 4000] as const; // from a new order in the list to the click on 签收
const DRAFT_MS = 5000; // from 签收 to sending the reply

const between = ([lo, hi]: readonly [number, number]) => lo + Math.random() * (hi - lo);

/** The desks' live client: signs in, subscribes to one unit, hands every frame's events on. Resolves once subscribed. */
export function subscribeUnit(ctx: DeskContext, user: User, onEvents: (events: BoardEvent[], at: number) => void): Promise<void> {
  const ws = new WebSocket(ctx.wsUrl);
  ctx.sockets.push(ws);
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('close', () => ctx.stopping() || ctx.lost());
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: user.token })));
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw));
      if (frame.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', topic: 'unit', unit: user.unitId }));
      else if (frame.type === 'subscribed') resolve();
      else if (frame.type === 'events') onEvents(frame.events, performance.now());
    });
  });
}

/**
 * A supervisor's board: subscribed first, loaded once (GET /api/sla/board/orders),
 * then every event patches the lines and the counts are tallied from them; no event
 * makes a board ask the server. Resolves once loaded; `onEvents` sees every frame.
 */
export async function openBoard(
  ctx: DeskContext,
  s: User,
  onFrame: (events: BoardEvent[], at: number) => void,
): Promise<{ patches(): number }> {
  let lines = new Map<number, Line>();
  let root: { id: string; path: string } | null = null;
  const early: BoardEvent[] = [];
  const seen = new Set<number>();
  let patches = 0;
  await subscribeUnit(ctx, s, (events, at) => {
    onFrame(events, at);
    if (!root) return void early.push(...events);
    applyEvents(lines, events, root.path, seen);
    tallyTree(lines.values(), root, [], Date.now());
    patches++;
  });
  const { data } = await ctx.call('board', s, 'GET', `/api/sla/board/orders?unit=${encodeURIComponent(s.unitId)}`);
  const b = data as { unit: { id: string; path: string }; orders: Line[] };
  lines = new Map(b.orders.map((o) => [o.id, o]));
  applyEvents(lines, early, b.unit.path, seen);
  root = b.unit;
  return { patches: () => patches };
}

interface Item {
  role: 'lead' | 'assist';
  order: { id: number; status: string; content: string };
}
export interface InboxSteps {
  claimed(orderId: number, at: number): void;
  replied(orderId: number, at: number): void;
}

/**
 * A handler's 承办工作台, opened before the window (subscribed, loaded once as
 * 'inbox open'). Within the window it claims what arrives a few seconds after it
 * shows (one of the street's handlers wins, the others get 409) and replies
 * DRAFT_MS later after the reply check the page runs. `run` resolves when the
 * window is over and the desk's last step has finished.
 */
export async function openInbox(ctx: DeskContext, h: User, steps: InboxSteps): Promise<{ run(deadline: number): Promise<void> }> {
  let items: Item[] = [];
  let deadline = -Infinity;
  const noticed = new Set<number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const inFlight = new Set<Promise<unknown>>();
  const open = () => performance.now() < deadline;
  const later = (ms: number, fn: () => Promise<unknown>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!open()) return;
      const p = fn().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }, ms);
    timers.add(timer);
  };
  const load = async (kind: string) => {
    const { data } = await ctx.call(kind, h, 'GET', '/api/orders/workbench');
    items = (data as { items?: Item[] } | null)?.items ?? items;
    for (const { role, order } of items)
      if (role === 'lead' && order.status === 'dispatched' && !noticed.has(order.id)) {
        noticed.add(order.id);
        if (open()) later(between(NOTICE_MS), () => claim(order.id));
      }
  };
  const reload = () => load('workbench');
  let debounce: ReturnType<typeof setTimeout> | undefined;
  const soon = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => later(0, reload), DEBOUNCE_MS);
  };
  const claim = async (id: number) => {
    const item = items.find((i) => i.order.id === id);
    if (item?.order.status !== 'dispatched') return; // the list already shows it taken
    const r = await ctx.call('claim', h, 'POST', `/api/orders/${id}/actions/claim`, {});
    if (r.status === 200) {
      steps.claimed(id, r.at);
      later(DRAFT_MS, () => reply(item.order));
    }
    if (open()) await reload();
  };
  const reply = async (order: Item['order']) => {
    // A reply that passes the reply checks (rules/reply-checks.yaml): it names what the complaint was about.
    const text = `经现场核实，市民反映的"${order.content.slice(0, 24)}"情况属实，已联系街道相关部门处理完毕，现场已恢复。`;
    await ctx.call('reply check', h, 'POST', `/api/orders/${order.id}/reply-check`, { text });
    const r = await ctx.call('reply', h, 'POST', `/api/orders/${order.id}/actions/reply`, { text });
    if (r.status === 200) steps.replied(order.id, r.at);
    if (open()) await reload();
  };

  await subscribeUnit(ctx, h, () => open() && soon());
  await load('inbox open');
  return {
    async run(until) {
      deadline = until;
      // What was in the list when the window opened is noticed now.
      for (const id of noticed) later(between(NOTICE_MS), () => claim(id));
      later(between([0, SAFETY_REFRESH_MS]), async function safety() {
        await reload();
        later(SAFETY_REFRESH_MS, safety);
      });
      await new Promise((r) => setTimeout(r, Math.max(0, deadline - performance.now())));
      clearTimeout(debounce);
      for (const t of timers) clearTimeout(t);
      while (inFlight.size) await Promise.all([...inFlight]);
    },
  };
}
