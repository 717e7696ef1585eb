/**
 * The desks' pages. Two folders, each served by @fastify/static with one route per
 * file found at start-up (`wildcard: false`), so no catch-all route sits beside
 * /api, /ws, /docs and the health checks, and an unknown path still gets the JSON
 * 404 of the errors plugin:
 * - dist/desks/: the desks built from server/desks/ (Vue 3 + Element Plus, `npm run
 *   build:desks`, run by `npm install` and `npm test`): the 话务台 and the citizens'
 *   /submit and /track;
 * - server/pages/: the hand-written pages not rebuilt yet (派单队列, 承办工作台, 督办看板, 登录).
 * A file name may live in only one of them (two routes for one path would refuse to start).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PAGES_DIR = path.join(HERE, '..', 'pages');
export const DESKS_DIR = path.join(HERE, '..', '..', 'dist', 'desks');
/** A page every build has: when it is missing, the desks were not built. */
export const DESKS_MARKER = path.join(DESKS_DIR, 'console.html');

export const desksBuilt = () => fs.existsSync(DESKS_MARKER);

const common = {
  prefix: '/',
  wildcard: false,
  dotfiles: 'ignore',
  // Pages change with the service; a browser must revalidate so a deploy is seen at once.
  cacheControl: true,
  maxAge: 0,
  // Our own reply.sendFile stays inside this plugin; /docs registers its own copy.
  decorateReply: false,
} as const;

const pageRoutes: FastifyPluginAsync = async (app) => {
  if (desksBuilt()) {
    await app.register(fastifyStatic, { ...common, root: DESKS_DIR, index: false });
    // The citizens' short addresses (printed on receipts and posters): two exact routes, not a catch-all.
    for (const page of ['submit', 'track']) {
      app.get(`/${page}`, { schema: { hide: true } }, (request, reply) => {
        const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
        return reply.redirect(`/${page}.html${search}`, 302);
      });
    }
  } else {
    app.log.warn({ dir: DESKS_DIR }, 'the desks are not built: run `npm run build:desks` (the 话务台 answers 404 until then)');
  }
  await app.register(fastifyStatic, { ...common, root: PAGES_DIR, index: 'index.html' });
};

export default pageRoutes;
