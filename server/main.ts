import pino from 'pino';
import { exitIfEmbeddedUnavailable } from '../db/embedded-access.ts';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { RulesError } from './rules/load.ts';
import { prepare } from './startup.ts';
import { DESKS_DIR, desksBuilt } from './routes/pages.ts';

/** Start the service: prepare the database and rules, listen, and stop cleanly on a signal. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  if (!desksBuilt()) {
    // The API runs without them, but the 话务台 would answer 404: say what to run, in plain words.
    process.stderr.write(
      `\n  The desks (话务台) are not built: ${DESKS_DIR} is missing.\n  Run:  npm run build:desks\n  (npm install runs it too.)\n\n`,
    );
  }
  let prepared;
  try {
    prepared = await prepare(config, logger);
  } catch (err) {
    exitIfEmbeddedUnavailable(err);
    logger.fatal(err instanceof RulesError ? { problems: err.problems } : { err }, 'cannot start');
    process.exit(1);
  }
  const { db, classifier, embedded } = prepared;
  const app = await buildApp({
    db,
    classifier,
    homeCity: config.homeCity,
    rulesDir: config.rulesDir,
    sessionTtlMs: config.sessionTtlHours * 3600_000,
    ctiSecret: config.ctiSecret,
    sweepSchedule: config.sweepCron,
    trainSchedule: config.trainCron,
    kbExpireSchedule: config.kbExpireCron,
    hotspotSchedule: config.hotspotCron,
    dailyReportSchedule: config.dailyReportCron,
    wechat: config.wechat,
    publicLimits: { webPerMinute: config.webPerMinute },
    live: config.live,
    metrics: { token: config.metricsToken },
    open311: config.open311,
    logger: { level: config.logLevel },
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    try {
      await app.close(); // stops accepting, lets requests in flight finish
      await db.close();
      await embedded?.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
}

main().catch((err) => {
  exitIfEmbeddedUnavailable(err);
  console.error(err);
  process.exit(1);
});
