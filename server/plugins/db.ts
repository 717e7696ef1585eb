import fp from 'fastify-plugin';
import { connect, type Database, type DbHandle, type Sql } from '../../db/client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    sql: Sql;
  }
}

export interface DbPluginOptions {
  /** Either a URL (the plugin owns and closes the pool) or a handle owned by the caller. */
  databaseUrl?: string;
  handle?: DbHandle;
  poolSize?: number;
}

export default fp<DbPluginOptions>(
  async function db(app, opts) {
    const owned = !opts.handle;
    const handle = opts.handle ?? connect(required(opts.databaseUrl), { max: opts.poolSize });
    app.decorate('db', handle.db);
    app.decorate('sql', handle.sql);
    if (owned) app.addHook('onClose', async () => handle.close());
  },
  { name: 'db' },
);

function required(url: string | undefined): string {
  if (!url) throw new Error('db plugin needs databaseUrl or handle');
  return url;
}
