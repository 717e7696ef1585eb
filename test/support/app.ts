import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { FastifyInstance } from 'fastify';
import { connect, type DbHandle } from '../../db/client.ts';
import { buildApp, type AppOptions } from '../../server/app.ts';
import type { Clock } from '../../server/plugins/clock.ts';
import { readState, TEMPLATE, withDatabase } from '../../scripts/harness/cluster.ts';
import { createUser } from '../../db/queries/users.ts';
import type { Role } from '../../server/core/access.ts';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A fresh database cloned from the migrated template; dropped when the test ends. */
export async function testDatabase(t: Teardown): Promise<DbHandle & { url: string }> {
  const { adminUrl } = readState();
  const name = `hltest_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${TEMPLATE}`);
  const url = withDatabase(adminUrl, name);
  const handle = connect(url, { max: 10 });
  t.teardown(async () => {
    await handle.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  return { ...handle, url };
}

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(private current = new Date('2026-11-24T02:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestApp {
  app: FastifyInstance;
  db: DbHandle;
  clock: TestClock;
}

export async function testApp(t: Teardown, opts: Omit<AppOptions, 'db' | 'clock'> = {}): Promise<TestApp> {
  const db = await testDatabase(t);
  const clock = new TestClock();
  const app = await buildApp({ ...opts, db, clock });
  t.teardown(() => app.close());
  return { app, db, clock };
}

export interface Client {
  viewer: { userId: number; unitId: string; roles: string[] };
  token: string;
  headers: { authorization: string };
  get(url: string): Promise<import('light-my-request').Response>;
  post(url: string, payload?: unknown, headers?: Record<string, string>): Promise<import('light-my-request').Response>;
}

/** The JSON of a 2xx answer; any other answer fails the test with its status and body. */
export async function ok(res: Promise<import('light-my-request').Response>) {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(`${r.statusCode} ${r.body}`);
  return r.json();
}

let userSeq = 0;

/** A user of the given roles at the given unit, signed in through the real login route. */
export async function signIn(h: TestApp, roles: Role[], unitId = 'hotline'): Promise<Client> {
  const username = `u${process.pid}-${++userSeq}`;
  const password = `pw-${username}-secret`;
  const user = await createUser(h.db.db, { username, displayName: username, unitId, roles, password });
  const res = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  const token = res.json().token as string;
  const headers = { authorization: `Bearer ${token}` };
  return {
    viewer: { userId: user.id, unitId, roles },
    token,
    headers,
    get: (url) => h.app.inject({ method: 'GET', url, headers }),
    post: (url, payload, extra = {}) =>
      h.app.inject({ method: 'POST', url, payload: payload as object, headers: { ...headers, ...extra } }),
  };
}

/** An order accepted at the desk and dispatched to `unit` (not yet claimed); its id. */
export async function dispatchedTo(desk: Client, unit: string): Promise<number> {
  const order = (
    await desk.post('/api/orders', { channel: 'phone', content: '路灯不亮', categoryCode: 'other', areaCode: '120102001' })
  ).json();
  await desk.post(`/api/orders/${order.id}/actions/accept`);
  const sent = await desk.post(`/api/orders/${order.id}/actions/dispatch`, { unitId: unit });
  if (sent.statusCode !== 200) throw new Error(`dispatch to ${unit} failed: ${sent.body}`);
  return order.id as number;
}
