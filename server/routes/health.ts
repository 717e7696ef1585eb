import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ping } from '../../db/queries/health.ts';

const Status = Type.Object({ status: Type.String(), database: Type.Optional(Type.String()) });

/** Liveness of the process and readiness of its database, for load balancers and operators. */
const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', { schema: { summary: '进程存活', tags: ['health'], response: { 200: Status } } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    { schema: { summary: '数据库可用', tags: ['health'], response: { 200: Status, 503: Status } } },
    async (_request, reply) => {
      try {
        await Promise.race([ping(app.sql), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
        return { status: 'ready', database: 'up' };
      } catch {
        return reply.status(503).header('retry-after', '5').send({ status: 'not ready', database: 'down' });
      }
    },
  );
};

export default healthRoutes;
