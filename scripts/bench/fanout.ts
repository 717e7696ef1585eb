/**
 * WebSocket fan-out: board clients, each watching one district's subtree, while
 * order events commit at a steady rate spread over the districts. Latency is from
 * the producer's commit to the client's receipt, both timed in this process; the
 * service runs in its own process, whose CPU time is read from /proc.
 */
import postgres from 'postgres';
import { WebSocket } from 'ws';
import { cpuSeconds, percentile, startService } from './env.ts';

export interface FanoutResult {
  clients: number;
  eventsPerSecond: number;
  seconds: number;
  events: number;
  deliveries: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The service's CPU over the run, in cores (1.0 = one core busy). */
  serverCpuCores: number;
  /** This process (the clients and the producer), for comparison. */
  clientCpuCores: number;
}

export async function benchFanout(url: string, clients = 1000, eventsPerSecond = 1000, seconds = 10): Promise<FanoutResult> {
  const service = await startService(url);
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  const sockets: WebSocket[] = [];
  try {
    const { token } = service;
    const districts = (await sql`select id from units where level = 'district' and kind <> 'department' order by id`).map(
      (r) => r.id as string,
    );
    // Ten dispatched orders in each district, for events to be about.
    const orders = await sql`
      insert into orders (number, channel, content, current_unit_id, unit_path, status, created_at, updated_at, dispatch_count)
      select '12345-20991231-' || lpad((d.n * 10 + i)::text, 6, '0'), 'web', '推送基准 ' || d.id, d.id, array['hotline', d.id], 'dispatched', now(), now(), 1
      from unnest(${districts}::text[]) with ordinality as d(id, n), generate_series(1, 10) as i
      returning id, current_unit_id`;

    // Receipts are matched to commits at the end: a frame can beat the producer's own
    // acknowledgement of the commit, and then counts as 0 ms rather than not at all.
    const committedAt = new Map<number, number>();
    const receipts: { id: number; at: number }[] = [];
    const wsUrl = service.base.replace('http', 'ws') + '/ws';
    for (let i = 0; i < clients; i++) {
      const ws = new WebSocket(wsUrl);
      sockets.push(ws);
      const district = districts[i % districts.length]!;
      await new Promise<void>((resolve, reject) => {
        ws.on('error', reject);
        ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
        ws.on('message', (data) => {
          const frame = JSON.parse(String(data));
          if (frame.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', topic: 'unit', unit: district }));
          else if (frame.type === 'subscribed') resolve();
          else if (frame.type === 'events') {
            const now = performance.now();
            for (const e of frame.events) receipts.push({ id: e.eventId, at: now });
          }
        });
      });
    }

    // Ticks of 10 ms, each one transaction of (rate / 100) events round-robin over the orders.
    const perTick = Math.max(1, Math.round(eventsPerSecond / 100));
    const ticks = seconds * 100;
    const cpu0 = cpuSeconds(service.pid);
    const own0 = process.cpuUsage();
    const started = performance.now();
    let produced = 0;
    for (let tick = 0; tick < ticks; tick++) {
      const targets = Array.from({ length: perTick }, (_, k) => orders[(produced + k) % orders.length]!);
      const rows = await sql`
        insert into order_events (order_id, at, actor, action, from_status, to_status, unit_id, reason)
        select t.id::bigint, now(), 'bench', 'urge', 'dispatched', 'dispatched', t.unit, '催办'
        from unnest(${targets.map((o) => String(o.id))}::text[], ${targets.map((o) => o.current_unit_id as string)}::text[]) as t(id, unit)
        returning id`;
      const at = performance.now();
      for (const r of rows) committedAt.set(Number(r.id), at);
      produced += rows.length;
      const wait = started + (tick + 1) * 10 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const elapsed = (performance.now() - started) / 1000;
    // Let the last frames arrive.
    const expected = produced * (clients / districts.length);
    for (let i = 0; i < 50 && receipts.length < expected; i++) await new Promise((r) => setTimeout(r, 100));
    const wall = (performance.now() - started) / 1000;
    const cpu = (cpuSeconds(service.pid) - cpu0) / wall;
    const own = process.cpuUsage(own0);
    const clientCpuCores = (own.user + own.system) / 1e6 / wall;
    const latencies = receipts.filter((r) => committedAt.has(r.id)).map((r) => Math.max(0, r.at - committedAt.get(r.id)!));
    const deliveries = latencies.length;
    if (deliveries < expected) throw new Error(`fan-out: ${deliveries} of ${expected} deliveries arrived`);
    latencies.sort((a, b) => a - b);
    return {
      clients,
      eventsPerSecond: produced / elapsed,
      seconds: elapsed,
      events: produced,
      deliveries,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? NaN,
      serverCpuCores: cpu,
      clientCpuCores,
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    await sql.end();
    await service.stop();
  }
}
