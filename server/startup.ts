import type { Logger } from 'pino';
import { applyMigrations, connect, type DbHandle } from '../db/client.ts';
import { loadDivisions } from '../db/divisions.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../db/embedded.ts';
import { syncDepartmentUnits } from '../db/queries/units.ts';
import { createClassifier } from './classifier.ts';
import type { Config } from './config.ts';
import type { Classifier } from './core/classify.ts';
import { loadRules } from './rules/load.ts';

export interface Prepared {
  db: DbHandle;
  classifier: Classifier;
  embedded?: EmbeddedServer;
}

/**
 * Everything the app needs before it may serve: the database (embedded when
 * DATABASE_URL is unset), its migrations, the rules checked whole, the division
 * tree (loaded on first start) and the departments of the rules as units.
 */
export async function prepare(config: Config, logger: Logger): Promise<Prepared> {
  // Rules first: a broken rules file stops the start before anything is touched.
  const rules = loadRules(config.rulesDir);
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.embeddedDataDir, port: config.embeddedPort, log: (m) => logger.info(m) });
  const url = config.databaseUrl ?? embedded!.url;
  let db: DbHandle | undefined;
  try {
    await applyMigrations(url);
    db = connect(url, { max: config.dbPoolSize, connectTimeout: Math.ceil(config.dbTimeoutMs / 1000) });
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from areas`;
    if (row!.n === 0) {
      logger.info({ scope: config.areaScope }, 'loading the official division tree (first start)');
      await loadDivisions(db.sql, config.areaScope);
    }
    await syncDepartmentUnits(db.sql, rules.departments);
    const classifier = await createClassifier(db.sql, { rules, homeCity: config.homeCity });
    logger.info({ areas: classifier.places.size, categories: rules.categories.length }, 'rules and area tree loaded');
    return { db, classifier, embedded };
  } catch (err) {
    await db?.close();
    await embedded?.stop();
    throw err;
  }
}
