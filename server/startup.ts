import { loadKbSynonyms } from './rules/kb-synonyms.ts';
import type { Logger } from 'pino';
import { applyMigrations, connect, type DbHandle } from '../db/client.ts';
import { loadDivisions } from '../db/divisions.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../db/embedded.ts';
import { fillStageInstants } from '../db/queries/clocks.ts';
import { syncDepartmentUnits } from '../db/queries/units.ts';
import { createClassifier } from './rules/classifier.ts';
import type { Config } from './config.ts';
import { loadChineseDays } from './rules/calendar.ts';
import type { Classifier } from './core/classify.ts';
import { loadRules } from './rules/load.ts';
import { randomBytes } from 'node:crypto';
import { createUser } from '../db/queries/users.ts';

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
  loadKbSynonyms(config.rulesDir);
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: config.embeddedDataDir,
        fallbackDataDir: config.embeddedFallbackDir,
        port: config.embeddedPort,
        log: (m) => logger.info(m),
      });
  const url = config.databaseUrl ?? embedded!.url;
  let db: DbHandle | undefined;
  try {
    await applyMigrations(url);
    db = connect(url, { max: config.dbPoolSize, connectTimeout: Math.ceil(config.dbTimeoutMs / 1000) });
    const filled = await fillStageInstants(db.sql, { policy: rules.deadlines, calendar: loadChineseDays() });
    if (filled > 0) logger.info({ clocks: filled }, 'stored the stage instants of running clocks');
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from areas`;
    if (row!.n === 0) {
      logger.info({ scope: config.areaScope }, 'loading the official division tree (first start)');
      await loadDivisions(db.sql, config.areaScope);
    }
    await syncDepartmentUnits(db.sql, rules.departments);
    await ensureAdmin(db, config, logger);
    const classifier = await createClassifier(db.sql, { rules, homeCity: config.homeCity });
    logger.info({ areas: classifier.places.size, categories: rules.categories.length }, 'rules and area tree loaded');
    return { db, classifier, embedded };
  } catch (err) {
    await db?.close();
    await embedded?.stop();
    throw err;
  }
}

/**
 * A new installation has nobody who could sign in: create `admin` at the hotline
 * centre with ADMIN_PASSWORD, or with a random password written once to the log.
 */
async function ensureAdmin(db: DbHandle, config: Config, logger: Logger): Promise<void> {
  const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from users`;
  if (row!.n > 0) return;
  const password = config.adminPassword ?? randomBytes(12).toString('base64url');
  await createUser(db.db, { username: 'admin', displayName: '系统管理员', unitId: 'hotline', roles: ['admin'], password });
  if (config.adminPassword) logger.warn('created user admin with ADMIN_PASSWORD');
  else logger.warn({ username: 'admin', password }, 'created user admin; this password is shown only once');
}
