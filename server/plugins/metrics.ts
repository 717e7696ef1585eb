/**
 * /metrics in Prometheus's text format (prom-client), for the engineer on call: how
 * long each route takes (by its pattern, never the URL, so a million order numbers
 * make one series), orders created by channel, sweeps and their duration, live
 * clients and those dropped, the database connections, and the classifier's and the
 * knowledge search's timings.
 *
 * Off unless METRICS_TOKEN is set: then /metrics does not exist (404) and nothing is
 * counted. With a token it answers only `Authorization: Bearer <token>` (401
 * otherwise), on the service's own port, so every instance behind the proxy is
 * scraped at its own address with the same token and nothing new to firewall.
 * Each app has its own registry: several apps in one process count apart.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TracingChannel } from 'node:diagnostics_channel';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { serviceConnectionsByState } from '../../db/queries/metrics.ts';
import { DomainError } from '../core/errors.ts';
import { CHANNELS } from '../core/lists.ts';
import { observe, type Traced } from '../observe.ts';

export interface MetricsOptions {
  /** The bearer token a scraper sends (METRICS_TOKEN); unset: no /metrics at all. */
  token?: string;
  /** Connections the pool may open (DB_POOL_SIZE), shown beside those in use. */
  poolSize?: number;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export default fp<MetricsOptions>(
  async function metrics(app, opts) {
    if (!opts.token) return;
    const expected = digest(opts.token);
    const register = new Registry();
    collectDefaultMetrics({ register, prefix: 'hotline_' });

    const http = new Histogram({
      name: 'hotline_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status, from arrival to the answer sent',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [register],
    });
    const created = new Counter({
      name: 'hotline_orders_created_total',
      help: 'Orders created by this instance, by channel (a repeat that found its order is not counted)',
      labelNames: ['channel'],
      registers: [register],
    });
    for (const channel of CHANNELS) created.inc({ channel }, 0);
    const sweeps = new Counter({
      name: 'hotline_sweeps_total',
      help: 'Deadline sweeps run by this instance, by outcome',
      labelNames: ['outcome'],
      registers: [register],
    });
    const sweepSeconds = new Histogram({
      name: 'hotline_sweep_duration_seconds',
      help: 'How long one deadline sweep took',
      buckets: [0.005, 0.01, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30],
      registers: [register],
    });
    const classifySeconds = new Histogram({
      name: 'hotline_classify_duration_seconds',
      help: "The classifier's time for one order's text at intake",
      buckets: [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05],
      registers: [register],
    });
    const kbSeconds = new Histogram({
      name: 'hotline_kb_search_duration_seconds',
      help: 'One knowledge search, database included',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [register],
    });
    const dropped = new Counter({
      name: 'hotline_live_dropped_total',
      help: 'Live clients closed with 4008 for not keeping up (unanswered ping or too much unsent)',
      registers: [register],
    });
    new Gauge({
      name: 'hotline_live_clients',
      help: 'WebSocket clients connected to this instance now',
      registers: [register],
      collect() {
        this.set(app.websocketServer?.clients.size ?? 0);
      },
    });
    new Gauge({
      name: 'hotline_db_pool_max',
      help: "Connections this instance's pool may open",
      registers: [register],
      collect() {
        this.set(opts.poolSize ?? app.sql.options.max);
      },
    });
    new Gauge({
      name: 'hotline_db_connections',
      help: "The service's connections to its database by state (pg_stat_activity: every instance's)",
      labelNames: ['state'],
      registers: [register],
      async collect() {
        this.reset();
        // With the database away the scrape still answers, and says so by the gauge's absence: that is when it is needed.
        const rows = await serviceConnectionsByState(app.sql).catch(() => []);
        for (const { state, count } of rows) this.set({ state }, count);
      },
    });

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      http.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });

    // Traced calls of this app (its pool), timed from start to end.
    const listen = <C extends Traced>(ch: TracingChannel<unknown, C>, done: (seconds: number, failed: boolean) => void, async: boolean) => {
      const started = new WeakMap<object, bigint>();
      const finish = (ctx: C & { error?: unknown }) => {
        const t0 = started.get(ctx);
        if (t0 === undefined) return;
        started.delete(ctx);
        done(Number(process.hrtime.bigint() - t0) / 1e9, ctx.error !== undefined);
      };
      const handlers = {
        start: (ctx: C) => void (ctx.sql === app.sql && started.set(ctx, process.hrtime.bigint())),
        end: (ctx: C) => void (async || finish(ctx)),
        asyncStart: () => {},
        asyncEnd: (ctx: C) => void (async && finish(ctx)),
        error: () => {},
      };
      ch.subscribe(handlers);
      app.addHook('onClose', async () => void ch.unsubscribe(handlers));
    };
    listen(
      observe.sweep,
      (s, failed) => {
        sweeps.inc({ outcome: failed ? 'error' : 'ok' });
        sweepSeconds.observe(s);
      },
      true,
    );
    listen(observe.classify, (s) => classifySeconds.observe(s), false);
    listen(observe.kbSearch, (s) => kbSeconds.observe(s), true);

    const onCreated = (m: unknown) => {
      const msg = m as { sql: unknown; channel: string };
      if (msg.sql === app.sql) created.inc({ channel: msg.channel });
    };
    const onDropped = (m: unknown) => void ((m as Traced).sql === app.sql && dropped.inc());
    observe.orderCreated.subscribe(onCreated);
    observe.liveDropped.subscribe(onDropped);
    app.addHook('onClose', async () => {
      observe.orderCreated.unsubscribe(onCreated);
      observe.liveDropped.unsubscribe(onDropped);
    });

    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      const sent = /^Bearer ([\x21-\x7e]{1,512})$/.exec(request.headers.authorization ?? '');
      if (!sent || !timingSafeEqual(digest(sent[1]!), expected)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new DomainError('UNAUTHENTICATED', '/metrics 需要 Authorization: Bearer <METRICS_TOKEN>');
      }
      return reply.type(register.contentType).send(await register.metrics());
    });
  },
  { name: 'metrics', dependencies: ['db'] },
);
