import path from 'node:path';
import { hotlineStateDir } from '../db/embedded-access.ts';

/** A setting the service cannot start with: reported at start-up, never an HTTP answer. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Everything the service reads from the environment, parsed once. */
export interface Config {
  port: number;
  host: string;
  /** When absent, an embedded PostgreSQL is started under `embeddedDataDir`. */
  databaseUrl: string | undefined;
  embeddedDataDir: string;
  /**
   * Where the embedded cluster goes instead when EMBEDDED_PG_DIR is unset and the
   * default `.data/pg` is out of the postgres user's reach (a checkout under /root).
   */
  embeddedFallbackDir: string | undefined;
  embeddedPort: number;
  logLevel: string;
  /** Connections in the pool; the intake path benefits from a few more than cores. */
  dbPoolSize: number;
  /** Milliseconds a request may wait for the database before answering 503. */
  dbTimeoutMs: number;
  /** Division codes loaded on first start: a province (12), a city (1301) or all. */
  areaScope: string;
  /** The hotline's own city (GB/T 2260, NN0000 for a municipality). */
  homeCity: string;
  /** Password of the `admin` user created on first start; random (and logged once) when unset. */
  adminPassword: string | undefined;
  /** Shared secret the call-centre system sends in X-CTI-Secret; call events are refused when unset. */
  ctiSecret: string | undefined;
  /** The WeChat official account (WECHAT_TOKEN, WECHAT_APPID, WECHAT_AES_KEY). */
  wechat: { token?: string; appId?: string; aesKey?: string };
  /** Web submissions per client address per minute. */
  webPerMinute: number;
  /** node-cron schedule of the deadline sweeper. */
  sweepCron: string;
  /** node-cron schedule of the text model's training (TRAIN_CRON; "off" trains nowhere here). */
  trainCron: string | undefined;
  /** node-cron schedule, Beijing time, of marking knowledge entries past their expiry date (KB_EXPIRE_CRON; "off": not here). */
  kbExpireCron: string | undefined;
  /** node-cron schedule of 热点预警's scan (HOTSPOT_CRON; "off": not here). */
  hotspotCron: string | undefined;
  /** node-cron schedule, Beijing time, of making yesterday's 日报 (DAILY_REPORT_CRON; "off": not here). */
  dailyReportCron: string | undefined;
  /** How long a sign-in lasts, in hours. */
  sessionTtlHours: number;
  /** Folder of the rules files; unset means the project's rules/. */
  rulesDir: string | undefined;
  /** The live feed: coalescing window, ping interval, unsent bytes before a client is dropped. */
  live: { coalesceMs: number; heartbeatMs: number; maxBufferedBytes: number };
  /** Bearer token of /metrics (METRICS_TOKEN); unset: no /metrics. */
  metricsToken: string | undefined;
  /** Open311 GeoReport v2: the jurisdiction_id served (OPEN311_JURISDICTION, else the city's code) and discovery's contact line. */
  open311: { jurisdictionId: string; contact: string | undefined };
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  const logLevel = env.LOG_LEVEL || 'info';
  if (!levels.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${levels.join(', ')}, got "${logLevel}"`);
  }
  const metricsToken = env.METRICS_TOKEN || undefined;
  // A scraper's secret on the public port: too short is guessable.
  if (metricsToken && !/^[\x21-\x7e]{16,512}$/.test(metricsToken)) {
    throw new ConfigError('METRICS_TOKEN must be 16 to 512 printable ASCII characters without spaces');
  }
  const homeCity = env.HOTLINE_CITY || '120000';
  return {
    port: intFrom(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    embeddedDataDir: path.resolve(cwd, env.EMBEDDED_PG_DIR || '.data/pg'),
    embeddedFallbackDir: env.EMBEDDED_PG_DIR ? undefined : path.join(hotlineStateDir(env), 'pg'),
    embeddedPort: intFrom(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    logLevel,
    dbPoolSize: intFrom(env, 'DB_POOL_SIZE', 20, 1, 500),
    dbTimeoutMs: intFrom(env, 'DB_TIMEOUT_MS', 5000, 100, 600000),
    areaScope: env.AREA_SCOPE || '12',
    homeCity,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    ctiSecret: env.CTI_SECRET || undefined,
    wechat: { token: env.WECHAT_TOKEN || undefined, appId: env.WECHAT_APPID || undefined, aesKey: env.WECHAT_AES_KEY || undefined },
    webPerMinute: intFrom(env, 'WEB_RATE_LIMIT', 5, 1, 10000),
    sweepCron: env.SWEEP_CRON || '* * * * *',
    // Every ten minutes: a step costs a lock and two reads when nothing is new.
    trainCron: env.TRAIN_CRON === 'off' ? undefined : env.TRAIN_CRON || '*/10 * * * *',
    // Every five minutes: a scan that finds nothing new costs a lock and one grouped read.
    hotspotCron: env.HOTSPOT_CRON === 'off' ? undefined : env.HOTSPOT_CRON || '*/5 * * * *',
    kbExpireCron: env.KB_EXPIRE_CRON === 'off' ? undefined : env.KB_EXPIRE_CRON || '5 0 * * *',
    // 06:10: after midnight's stragglers and before the morning meeting.
    dailyReportCron: env.DAILY_REPORT_CRON === 'off' ? undefined : env.DAILY_REPORT_CRON || '10 6 * * *',
    sessionTtlHours: intFrom(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 30),
    rulesDir: env.RULES_DIR ? path.resolve(cwd, env.RULES_DIR) : undefined,
    live: {
      coalesceMs: intFrom(env, 'LIVE_COALESCE_MS', 25, 0, 1000),
      heartbeatMs: intFrom(env, 'LIVE_HEARTBEAT_MS', 15_000, 100, 600_000),
      maxBufferedBytes: intFrom(env, 'LIVE_MAX_BUFFERED_BYTES', 8 * 1024 * 1024, 64 * 1024, 1024 ** 3),
    },
    metricsToken,
    open311: { jurisdictionId: env.OPEN311_JURISDICTION || homeCity, contact: env.OPEN311_CONTACT || undefined },
  };
}
