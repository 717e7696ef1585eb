/**
 * Sign-in under a flood of wrong passwords. While 32 clients post bad logins
 * (from one address through autocannon, then from 32 addresses of 127/8 at once),
 * a real user signs in every 250 ms from an address of its own and an API read
 * (GET /api/auth/me) runs every 100 ms: their latencies are what the flood costs
 * everyone else. Run alone with `node --import tsx scripts/bench/login.ts`.
 */
import http from 'node:http';
import autocannon from 'autocannon';
import { benchDatabase, cpuSeconds, percentile, startService, type RunningService } from './env.ts';

interface Timing {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
}
export interface LoginScenario {
  name: string;
  seconds: number;
  flood: { requests: number; byStatus: Record<string, number> };
  signIn: Timing;
  me: Timing;
  serverCpuCores: number;
}
export interface LoginResult {
  scenarios: LoginScenario[];
}

const REAL_FROM = '127.0.0.2';
const FLOODERS = 32;

/** One request from a chosen local address (every 127/8 address is the loopback on Linux). */
function request(
  base: string,
  opts: { method: string; path: string; from: string; agent: http.Agent; body?: object; headers?: Record<string, string> },
) {
  const url = new URL(opts.path, base);
  const payload = opts.body ? JSON.stringify(opts.body) : undefined;
  const started = performance.now();
  return new Promise<{ status: number; ms: number; body: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: opts.method,
        localAddress: opts.from,
        agent: opts.agent,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const summary = (samples: { status: number; ms: number }[]): Timing => {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    count: ms.length,
    p50Ms: percentile(ms, 50),
    p99Ms: percentile(ms, 99),
    maxMs: ms.at(-1) ?? NaN,
    non2xx: samples.filter((s) => s.status >= 300).length,
  };
};

/** The real user's sign-ins and API reads, every `everyMs`, until `stop` says so. */
async function probe(every: number, stop: () => boolean, call: () => Promise<{ status: number; ms: number }>) {
  const out: { status: number; ms: number }[] = [];
  while (!stop()) {
    const next = performance.now() + every;
    out.push(await call());
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  return out;
}

async function scenario(
  svc: RunningService,
  name: string,
  seconds: number,
  flood: (until: number) => Promise<Record<string, number>>,
): Promise<LoginScenario> {
  const agent = new http.Agent({ keepAlive: true });
  const until = performance.now() + seconds * 1000;
  const stop = () => performance.now() >= until;
  const cpu0 = cpuSeconds(svc.pid);
  const t0 = performance.now();
  const [byStatus, signIns, reads] = await Promise.all([
    flood(until),
    probe(250, stop, () =>
      request(svc.base, {
        method: 'POST',
        path: '/api/auth/login',
        from: REAL_FROM,
        agent,
        body: { username: 'admin', password: 'bench-admin-password' },
      }),
    ),
    probe(100, stop, () =>
      request(svc.base, { method: 'GET', path: '/api/auth/me', from: REAL_FROM, agent, headers: { authorization: `Bearer ${svc.token}` } }),
    ),
  ]);
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  const requests = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return {
    name,
    seconds: elapsed,
    flood: { requests, byStatus },
    signIn: summary(signIns),
    me: summary(reads),
    serverCpuCores: (cpuSeconds(svc.pid) - cpu0) / elapsed,
  };
}

/** 32 autocannon connections from 127.0.0.1, each posting a wrong password for a new username. */
async function floodOneAddress(base: string, until: number): Promise<Record<string, number>> {
  let i = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: `${base}/api/auth/login`,
        connections: FLOODERS,
        duration: Math.max(1, Math.round((until - performance.now()) / 1000)),
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => ({
              ...req,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ username: `guess${i++}`, password: 'wrong-password' }),
            }),
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
  const byStatus: Record<string, number> = {};
  for (const [k, v] of Object.entries(result.statusCodeStats ?? {})) byStatus[k] = (v as { count: number }).count;
  return byStatus;
}

/** 32 clients, each from its own address (127.0.1.x), each posting wrong passwords as fast as it is answered. */
async function floodManyAddresses(base: string, until: number): Promise<Record<string, number>> {
  const byStatus: Record<string, number> = {};
  let i = 0;
  await Promise.all(
    Array.from({ length: FLOODERS }, async (_, w) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      while (performance.now() < until) {
        const res = await request(base, {
          method: 'POST',
          path: '/api/auth/login',
          from: `127.0.1.${w + 1}`,
          agent,
          body: { username: `spray${i++}`, password: 'wrong-password' },
        });
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
      }
      agent.destroy();
    }),
  );
  return byStatus;
}

export async function benchLogin(databaseUrl: string, seconds = Number(process.env.BENCH_LOGIN_SECONDS ?? 10)): Promise<LoginResult> {
  const svc = await startService(databaseUrl);
  try {
    const scenarios = [
      await scenario(svc, 'no flood', seconds, async (until) => {
        await new Promise((r) => setTimeout(r, until - performance.now()));
        return {};
      }),
      await scenario(svc, `${FLOODERS} clients from one address`, seconds, (until) => floodOneAddress(svc.base, until)),
      await scenario(svc, `${FLOODERS} clients from ${FLOODERS} addresses`, seconds, (until) => floodManyAddresses(svc.base, until)),
    ];
    return { scenarios };
  } finally {
    await svc.stop();
  }
}

export function printLogin(r: LoginResult): void {
  const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(
    '\n| sign-in under a flood of wrong passwords | flood answers | real sign-in p50 | p99 | max | non-2xx | API read p50 | p99 | service CPU |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of r.scenarios) {
    const answers =
      Object.entries(s.flood.byStatus)
        .map(([k, v]) => `${f(v)} × ${k}`)
        .join(', ') || '—';
    console.log(
      `| ${s.name}, ${f(s.seconds)} s | ${answers} | ${f(s.signIn.p50Ms)} ms | ${f(s.signIn.p99Ms)} ms | ${f(s.signIn.maxMs)} ms | ${s.signIn.non2xx} of ${s.signIn.count} | ${f(s.me.p50Ms, 1)} ms | ${f(s.me.p99Ms, 1)} ms | ${f(s.serverCpuCores, 2)} cores |`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const db = await benchDatabase();
  try {
    const result = await benchLogin(db.url);
    console.log(JSON.stringify(result, null, 2));
    printLogin(result);
  } finally {
    await db.stop();
  }
}
