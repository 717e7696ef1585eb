/**
 * Order intake through the HTTP API against the same rows inserted with raw
 * `postgres`, one transaction per order (order row + event row), same database,
 * same concurrency.
 */
import autocannon from 'autocannon';
import postgres from 'postgres';
import { complaintBody, percentile, startService } from './env.ts';

export interface IntakeResult {
  orders: number;
  concurrency: number;
  api: { perSecond: number; p50Ms: number; p99Ms: number; non2xx: number };
  raw: { perSecond: number; p50Ms: number; p99Ms: number };
  ratio: number;
  /** Every round's rate, orders per second. */
  rounds: { api: number[]; raw: number[] };
}

function median<T>(runs: T[], key: (r: T) => number): T {
  return [...runs].sort((a, b) => key(a) - key(b))[Math.floor(runs.length / 2)]!;
}

const body = (i: number, tag: string) => complaintBody(tag, i);

/**
 * autocannon ends a run with `amount` only at its next one-second sample tick, and
 * its `duration` includes that wait: the rate here runs from the start to the last
 * response instead.
 */
async function apiRun(base: string, token: string, amount: number, connections: number, tag: string) {
  let i = 0;
  let last = 0;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${base}/api/orders`,
        connections,
        amount,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              i++;
              return {
                ...req,
                headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${tag}-${i}`, authorization: `Bearer ${token}` },
                body: body(i, tag),
              };
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', () => (last = performance.now()));
  });
  return { ...result, perSecond: result.requests.total / ((last - started) / 1000) };
}

async function rawRun(url: string, amount: number, connections: number, tag: string) {
  const sql = postgres(url, { max: connections, onnotice: () => {} });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < amount) {
        const i = next++;
        const t0 = performance.now();
        await sql.begin(async (tx) => {
          const at = new Date().toISOString();
          const [o] = await tx`
            insert into orders (number, channel, idempotency_key, citizen_name, citizen_phone, content, location_text,
              area_code, current_unit_id, unit_path, status, created_at, updated_at)
            values (next_order_number(${at}), 'web', ${`raw-${tag}-${i}`}, '测试', '13800000000', ${body(i, tag)},
              '河东区大王庄街道', '120102', 'hotline', '{hotline}', 'received', ${at}, ${at})
            returning id`;
          await tx`insert into order_events (order_id, at, actor, action, to_status, unit_id, payload)
            values (${o!.id}, ${at}, 'bench', 'create', 'received', 'hotline', '{}')`;
        });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await sql.end();
  latencies.sort((a, b) => a - b);
  return { perSecond: amount / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

export async function benchIntake(url: string, orders: number, concurrency = 32): Promise<IntakeResult> {
  const service = await startService(url);
  try {
    const { token } = service;
    await apiRun(service.base, token, Math.min(1000, orders), concurrency, 'warm'); // JIT, pool and plan caches
    await rawRun(url, Math.min(1000, orders), concurrency, 'warm');
    // Three alternating rounds of each, medians reported: on a shared two-core machine
    // one round of either can land on a noisy moment.
    const apis: Awaited<ReturnType<typeof apiRun>>[] = [];
    const raws: Awaited<ReturnType<typeof rawRun>>[] = [];
    for (let round = 0; round < 3; round++) {
      const api = await apiRun(service.base, token, orders, concurrency, `api${round}`);
      // A rate made of refusals means nothing: stop rather than report it.
      if (api.non2xx + api.errors > 0) throw new Error(`intake benchmark: ${api.non2xx} non-2xx answers and ${api.errors} errors`);
      apis.push(api);
      raws.push(await rawRun(url, orders, concurrency, `raw${round}`));
    }
    const api = median(apis, (r) => r.perSecond);
    const raw = median(raws, (r) => r.perSecond);
    const result: IntakeResult = {
      orders,
      concurrency,
      api: { perSecond: api.perSecond, p50Ms: api.latency.p50, p99Ms: api.latency.p99, non2xx: api.non2xx + api.errors },
      raw,
      ratio: api.perSecond / raw.perSecond,
      rounds: { api: apis.map((r) => r.perSecond), raw: raws.map((r) => r.perSecond) },
    };
    return result;
  } finally {
    await service.stop();
  }
}
