import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { applyMigrations } from '../../db/client.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../db/embedded.ts';
import { exitIfEmbeddedUnavailable, hotlineStateDir } from '../../db/embedded-access.ts';
import { checkoutKey, freePort, root, withDatabase } from '../harness/cluster.ts';
import { startService as startChild, tokenFor } from '../harness/service.ts';

export interface BenchDatabase {
  url: string;
  /** The maintenance database of the same server, to make more databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

/** A fresh, migrated database on the embedded server (or on BENCH_DATABASE_URL's server). */
export async function benchDatabase(): Promise<BenchDatabase> {
  let server: EmbeddedServer | undefined;
  let adminUrl = process.env.BENCH_DATABASE_URL;
  if (!adminUrl) {
    server = await startEmbeddedPostgres({
      dataDir: path.join(root, '.tmp', 'bench-pg'),
      // A checkout the postgres user cannot enter (under /root): a folder of this checkout's own outside it.
      fallbackDataDir: path.join(hotlineStateDir(), `bench-pg-${checkoutKey}`),
      dataDirSetting: 'HOTLINE_STATE_DIR',
      port: await freePort(),
    }).catch((err: unknown) => {
      // The bench's entry points (bench.ts, bench/login.ts) all come through here.
      exitIfEmbeddedUnavailable(err);
      throw err;
    });
    adminUrl = server.url;
  }
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe('drop database if exists hotline_bench with (force)');
  await admin.unsafe('create database hotline_bench');
  await admin.end();
  const url = withDatabase(adminUrl, 'hotline_bench');
  await applyMigrations(url);
  return { url, adminUrl, stop: async () => server?.stop() };
}

/** A bench's own database on the server of `adminUrl`, made anew and migrated; `drop` removes it. */
export async function scratchDatabase(adminUrl: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const run = async (statement: string) => {
    const conn = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await conn.unsafe(statement);
    } finally {
      await conn.end();
    }
  };
  await run(`drop database if exists ${name} with (force)`);
  await run(`create database ${name}`);
  const url = withDatabase(adminUrl, name);
  await applyMigrations(url);
  return { url, drop: () => run(`drop database if exists ${name} with (force)`) };
}

/** The complaint the intake benches post: one street's broken road, numbered. */
export const complaintBody = (tag: string | number, i: number) =>
  JSON.stringify({
    channel: 'web',
    citizenName: '测试',
    citizenPhone: '13800000000',
    content: `${tag} 第${i}号诉求：小区门口道路破损，雨天积水严重，请尽快维修。`,
    locationText: '河东区大王庄街道',
    areaCode: '120102',
  });

export interface RunningService {
  base: string;
  pid: number;
  /** Bearer token of the admin user, signed in through the API. */
  token: string;
  stop(): Promise<void>;
}

const ADMIN_PASSWORD = 'bench-admin-password';

/** The service as `npm start` runs it, in its own process, against `databaseUrl`, with the admin signed in. */
export async function startService(databaseUrl: string): Promise<RunningService> {
  const svc = await startChild({ DATABASE_URL: databaseUrl, PORT: String(await freePort()), LOG_LEVEL: 'warn', ADMIN_PASSWORD });
  const stop = async () => {
    svc.child.kill('SIGTERM');
    await svc.exited;
  };
  try {
    return { base: svc.base, pid: svc.child.pid!, token: await tokenFor(svc.base, 'admin', ADMIN_PASSWORD), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** user + system CPU seconds of a process so far, from /proc (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
