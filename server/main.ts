import { startEmbeddedPostgres, type EmbeddedServer } from '../db/embedded.ts';
import { applyMigrations, connect } from '../db/client.ts';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import pino from 'pino';
import { loadDivisions } from '../db/divisions.ts';
import { syncDepartmentUnits } from '../db/queries/units.ts';
import { createClassifier } from './classifier.ts';
import { loadRules, RulesError } from './rules/load.ts';

/** Start the service: database (embedded when DATABASE_URL is unset), migrations, HTTP. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  let embedded: EmbeddedServer | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.embeddedDataDir,
      port: config.embeddedPort,
      log: (message) => logger.info(message),
    });
  }
  const url = config.databaseUrl ?? embedded!.url;
  try {
    await applyMigrations(url);
  } catch (err) {
    logger.fatal({ err }, 'migrations failed');
    await embedded?.stop();
    process.exit(1);
  }
  const handle = connect(url, { max: config.dbPoolSize, connectTimeout: Math.ceil(config.dbTimeoutMs / 1000) });
  let classifier;
  try {
    // Rules first: the service never runs on half-loaded rules.
    const rules = loadRules();
    const [row] = await handle.sql<{ n: number }[]>`select count(*)::int as n from areas`;
    if (row!.n === 0) {
      logger.info({ scope: config.areaScope }, 'loading the official division tree (first start)');
      await loadDivisions(handle.sql, config.areaScope);
    }
    await syncDepartmentUnits(handle.sql, rules.departments);
    classifier = await createClassifier(handle.sql, { rules, homeCity: config.homeCity });
    logger.info({ areas: classifier.places.size, categories: rules.categories.length }, 'rules and area tree loaded');
  } catch (err) {
    logger.fatal({ err: err instanceof RulesError ? err.message : err }, 'cannot start');
    await handle.close();
    await embedded?.stop();
    process.exit(1);
  }

  const app = await buildApp({ db: handle, classifier, logger: { level: config.logLevel } });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    try {
      await app.close(); // stops accepting, lets requests in flight finish
      await handle.close();
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
  console.error(err);
  process.exit(1);
});
