/**
 * A busy evening, all at once against one service process: operators log
 * complaints (classifying as they type, as the console does), handlers at the
 * streets keep the 承办工作台 open on the live feed and claim and reply, supervisors
 * keep a district's (or the city's) board open, each desk making the requests its
 * page makes (scripts/bench/mixed-desks.ts): nothing polls, the feed says when.
 * Every request is timed here, per kind; event latency runs from the API answer
 * of the action that caused the event to its receipt by each supervisor watching.
 */
import type { WebSocket } from 'ws';
import { connect } from '../../db/client.ts';
import { createUser } from '../../db/queries/users.ts';
import type { Role } from '../../server/core/access.ts';
import { tokenFor } from '../harness/service.ts';
import { openBoard, openInbox, type DeskContext, type Street, type User } from './mixed-desks.ts';
import { cpuSeconds, percentile, startService } from './env.ts';

export interface MixedKind {
  kind: string;
  count: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

export interface MixedResult {
  seconds: number;
  operators: number;
  handlers: number;
  supervisors: number;
  /** Creating and signing in every user, before the window (not measured in it). */
  setupSeconds: number;
  requests: MixedKind[];
  /** 409s of claims that lost a race to the other handler of the same street: expected, not failures. */
  claimRaces: number;
  orders: { created: number; autoDispatched: number; dispatchedByHand: number; claimed: number; replied: number };
  events: { expected: number; deliveries: number; p50Ms: number; p99Ms: number; maxMs: number };
  serverCpuCores: number;
  clientCpuCores: number;
  /** Frames the boards patched themselves from (each board moved its counts without a request). */
  boardPatches: number;
}

const ORDER_EVERY_MS = 2000; // per operator: 50 of them make 25 orders/s, a busy evening's peak
/**
 * Request kinds in the order of an order's life, for the report ('inbox open' and
 * 'board': each desk's first load, before the window; 'workbench': the inbox's
 * reloads on its unit's events and after its own steps).
 */
const KINDS = ['classify', 'create order', 'accept', 'dispatch', 'inbox open', 'workbench', 'claim', 'reply check', 'reply', 'board'];
// Street-owned matters (街道 sanitation and vending): the rules dispatch them to the street named.
const COMPLAINTS = [
  (s: string) => `${s}马路边有人乱扔垃圾，垃圾堆了好几天没人清理，味道很大。`,
  (s: string) => `${s}小区门口的垃圾箱满了没人清运，苍蝇很多，请尽快处理。`,
  (s: string) => `${s}菜市场外面有人占道经营，摆摊堵住了人行道，行人只能走机动车道。`,
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function benchMixed(
  url: string,
  opts: { seconds?: number; operators?: number; handlers?: number; supervisors?: number } = {},
): Promise<MixedResult> {
  const seconds = opts.seconds ?? Number(process.env.BENCH_MIXED_SECONDS ?? 30);
  const [nOperators, nHandlers, nSupervisors] = [opts.operators ?? 50, opts.handlers ?? 500, opts.supervisors ?? 50];
  const service = await startService(url);
  const db = connect(url, { max: 4 });
  const sockets: WebSocket[] = [];
  try {
    // The service loaded the Tianjin tree on its first start (the intake bench's, or this one's).
    const streets: Street[] = (
      await db.sql`
        select u.id, u.parent_id, d.name || a.name as place
        from units u join areas a on a.code = u.area_code join areas d on d.code = a.parent_code
        where u.level = 'street' and u.kind <> 'department' order by u.id`
    ).map((r) => ({ id: r.id as string, district: r.parent_id as string, place: r.place as string }));
    const districts = [...new Set(streets.map((s) => s.district))];
    if (districts.length !== 16) throw new Error(`mixed: expected the 16 districts of Tianjin, found ${districts.length}`);

    // Users: made directly (scrypt is the cost, twice per user), then signed in over HTTP.
    const setupStart = performance.now();
    const tag = Date.now().toString(36);
    const plan: Omit<User, 'token'>[] = [
      ...Array.from({ length: nOperators }, (_, i) => ({
        username: `mx${tag}-op${i}`,
        unitId: 'hotline',
        roles: ['operator', 'dispatcher'] as Role[],
      })),
      ...Array.from({ length: nHandlers }, (_, i) => {
        const street = streets[i % streets.length]!;
        return { username: `mx${tag}-h${i}`, unitId: street.id, roles: ['handler'] as Role[], street };
      }),
      // Two city-wide boards, the rest spread over the districts.
      ...Array.from({ length: nSupervisors }, (_, i) => {
        const unitId = i < 2 ? '120000' : districts[i % districts.length]!;
        return { username: `mx${tag}-s${i}`, unitId, roles: ['supervisor'] as Role[] };
      }),
    ];
    const users: User[] = [];
    await pool(plan, 4, async (u) => {
      const password = `${u.username}-password`;
      await createUser(db.db, { ...u, displayName: u.username, password });
      users.push({ ...u, token: await tokenFor(service.base, u.username, password) });
    });
    const byRole = (r: Role) => users.filter((u) => u.roles.includes(r));
    const [operators, handlers, supervisors] = [byRole('operator'), byRole('handler'), byRole('supervisor')];
    const setupSeconds = (performance.now() - setupStart) / 1000;

    // Timings per request kind, and the answer time of each action whose event the boards should see.
    const timings = new Map<string, { ms: number[]; non2xx: number }>();
    let claimRaces = 0;
    const refusals = new Map<string, number>();
    const answeredAt = new Map<string, { at: number; district: string }>();
    const receipts: { key: string; at: number }[] = [];
    const track = (orderId: number, action: string, district: string, at: number) =>
      answeredAt.set(`${orderId}:${action}`, { at, district });
    async function call(
      kind: string,
      user: User,
      method: 'GET' | 'POST',
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) {
      const t0 = performance.now();
      let status = 0;
      let data: unknown = null;
      try {
        const res = await fetch(service.base + path, {
          method,
          headers: {
            authorization: `Bearer ${user.token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        status = res.status;
        data = await res.json().catch(() => null);
      } catch {
        // A refused or broken connection counts against the kind like any other failure.
      }
      const at = performance.now();
      const t = timings.get(kind) ?? { ms: [], non2xx: 0 };
      timings.set(kind, t);
      t.ms.push(at - t0);
      if (kind === 'claim' && status === 409) claimRaces++;
      else if (status < 200 || status > 299) {
        t.non2xx++;
        refusals.set(`${kind} ${status || 'no answer'}`, (refusals.get(`${kind} ${status || 'no answer'}`) ?? 0) + 1);
      }
      return { status, data, at };
    }

    // Every desk opens before the window: the boards (loaded once, then patched from the
    // feed) and the handlers' workbenches (loaded, then reloaded when the feed says so).
    const wsUrl = service.base.replace('http', 'ws') + '/ws';
    let socketsLost = 0;
    let stopping = false;
    const desks: DeskContext = { call, wsUrl, sockets, lost: () => socketsLost++, stopping: () => stopping };
    const boards: { patches(): number }[] = [];
    await pool(supervisors, 8, async (s) => {
      boards.push(
        await openBoard(desks, s, (events, at) => {
          for (const e of events) receipts.push({ key: `${e.order.id}:${e.action}`, at });
        }),
      );
    });
    const counts = { created: 0, autoDispatched: 0, dispatchedByHand: 0, claimed: 0, replied: 0 };
    const inboxes: { run(deadline: number): Promise<void> }[] = [];
    await pool(handlers, 8, async (h) => {
      const district = h.street!.district;
      inboxes.push(
        await openInbox(desks, h, {
          claimed: (id, at) => (counts.claimed++, track(id, 'claim', district, at)),
          replied: (id, at) => (counts.replied++, track(id, 'reply', district, at)),
        }),
      );
    });

    const cpu0 = cpuSeconds(service.pid);
    const own0 = process.cpuUsage();
    const started = performance.now();
    const deadline = started + seconds * 1000;

    // Operators: one complaint every ORDER_EVERY_MS each, classified three times while typed.
    const operatorLoop = async (op: User, i: number) => {
      for (let k = 0; ; k++) {
        const slot = started + (i / operators.length + k) * ORDER_EVERY_MS;
        if (slot >= deadline) return;
        await sleep(slot - performance.now());
        const street = pick(handlers).street!;
        const content = pick(COMPLAINTS)(street.place.replace(/^.*?区/, ''));
        for (const part of [0.4, 0.7, 1]) {
          await call('classify', op, 'POST', '/api/classify', {
            text: content.slice(0, Math.ceil(content.length * part)),
            location: street.place,
          });
          await sleep(300); // the console's debounce: the next call after the operator types on
        }
        const key = `mx-${i}-${k}-${Math.random().toString(36).slice(2)}`;
        const body = { channel: 'phone', content, citizenName: '市民', citizenPhone: '13800000000', locationText: street.place };
        const created = await call('create order', op, 'POST', '/api/orders', body, { 'idempotency-key': key });
        if (created.status !== 201) continue;
        counts.created++;
        const order = created.data as { id: number; status: string; currentUnitId: string };
        if (order.status === 'dispatched') {
          counts.autoDispatched++;
          track(order.id, 'create', street.district, created.at);
          continue;
        }
        // The rules did not route it: the operator (also a dispatcher) sends it by hand.
        await call('accept', op, 'POST', `/api/orders/${order.id}/actions/accept`, {});
        const sent = await call('dispatch', op, 'POST', `/api/orders/${order.id}/actions/dispatch`, { unitId: street.id });
        if (sent.status === 200) {
          counts.dispatchedByHand++;
          track(order.id, 'dispatch', street.district, sent.at);
        }
      }
    };

    await Promise.all([...operators.map(operatorLoop), ...inboxes.map((d) => d.run(deadline))]);
    stopping = true;
    // Cycles begun inside the window finish after it: rates are over the time the work took.
    const elapsed = (performance.now() - started) / 1000;
    // Expected deliveries: every tracked action, to each supervisor watching its district or the city.
    const watching = (district: string) => supervisors.filter((s) => s.unitId === district || s.unitId === '120000').length;
    const expected = [...answeredAt.values()].reduce((n, a) => n + watching(a.district), 0);
    const matched = () => receipts.filter((r) => answeredAt.has(r.key)).length;
    for (let i = 0; i < 50 && matched() < expected; i++) await sleep(100);
    const wall = (performance.now() - started) / 1000;
    const serverCpuCores = (cpuSeconds(service.pid) - cpu0) / wall;
    const own = process.cpuUsage(own0);

    // A frame can beat the answer to the action that caused it: that counts as 0 ms.
    const latencies = receipts
      .filter((r) => answeredAt.has(r.key))
      .map((r) => Math.max(0, r.at - answeredAt.get(r.key)!.at))
      .sort((a, b) => a - b);
    const requests = KINDS.filter((k) => timings.has(k)).map((kind) => {
      const t = timings.get(kind)!;
      const ms = t.ms.sort((a, b) => a - b);
      return {
        kind,
        count: ms.length,
        perSecond: ms.length / elapsed,
        p50Ms: percentile(ms, 50),
        p99Ms: percentile(ms, 99),
        non2xx: t.non2xx,
      };
    });
    // A workload made of refusals means nothing: stop rather than report it.
    const refused = requests.reduce((n, r) => n + r.non2xx, 0);
    if (refused > 5) throw new Error(`mixed: ${refused} non-2xx answers (${[...refusals].map(([k, n]) => `${k}: ${n}`).join(', ')})`);
    if (socketsLost > 0) throw new Error(`mixed: ${socketsLost} supervisor sockets closed during the run`);
    if (latencies.length < expected) throw new Error(`mixed: ${latencies.length} of ${expected} event deliveries arrived`);
    return {
      seconds: elapsed,
      operators: operators.length,
      handlers: handlers.length,
      supervisors: supervisors.length,
      setupSeconds,
      requests,
      claimRaces,
      orders: counts,
      events: {
        expected,
        deliveries: latencies.length,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        maxMs: latencies.at(-1) ?? NaN,
      },
      serverCpuCores,
      clientCpuCores: (own.user + own.system) / 1e6 / wall,
      boardPatches: boards.reduce((n, b) => n + b.patches(), 0),
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    await db.close();
    await service.stop();
  }
}

// `node --import tsx scripts/bench/mixed.ts`: the busy evening alone, on a fresh database.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { benchDatabase } = await import('./env.ts');
  const db = await benchDatabase();
  try {
    const r = await benchMixed(db.url);
    console.log(JSON.stringify(r, null, 2));
    for (const k of r.requests)
      console.log(`${k.kind}\t${k.count}\tp50 ${k.p50Ms.toFixed(1)} ms\tp99 ${k.p99Ms.toFixed(1)} ms\tnon2xx ${k.non2xx}`);
    console.log(`events → boards\t${r.events.deliveries}\tp50 ${r.events.p50Ms.toFixed(1)} ms\tp99 ${r.events.p99Ms.toFixed(1)} ms`);
  } finally {
    await db.stop();
  }
}
