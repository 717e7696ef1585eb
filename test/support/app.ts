import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { FastifyInstance } from 'fastify';
import { connect, type DbHandle } from '../../db/client.ts';
import { buildApp } from '../../server/app.ts';
import type { Clock } from '../../server/plugins/clock.ts';
import { readState, TEMPLATE, withDatabase } from './cluster.ts';

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

export async function testApp(t: Teardown): Promise<TestApp> {
  const db = await testDatabase(t);
  const clock = new TestClock();
  const app = await buildApp({ db, clock });
  t.teardown(() => app.close());
  return { app, db, clock };
}
