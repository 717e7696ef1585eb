/**
 * The staff pages (话务台, 派单队列, 承办工作台, 督办看板, 登录): plain HTML and ES
 * modules from server/pages/, no build step. Served by @fastify/static with one
 * route per file found at start-up (`wildcard: false`), so no catch-all route sits
 * beside /api, /ws, /docs and the health checks, and an unknown path still gets
 * the JSON 404 of the errors plugin.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export const PAGES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pages');

const pageRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, {
    root: PAGES_DIR,
    prefix: '/',
    wildcard: false,
    index: 'index.html',
    dotfiles: 'ignore',
    // Pages change with the service; a browser must revalidate so a deploy is seen at once.
    cacheControl: true,
    maxAge: 0,
    // Our own reply.sendFile stays inside this plugin; /docs registers its own copy.
    decorateReply: false,
  });
};

export default pageRoutes;
