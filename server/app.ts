import helmet from '@fastify/helmet';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DbHandle } from '../db/client.ts';
import type { Classifier } from './core/classify.ts';
import authPlugin from './plugins/auth.ts';
import classifierPlugin from './plugins/classifier.ts';
import clockPlugin, { type Clock } from './plugins/clock.ts';
import deadlinesPlugin from './plugins/deadlines.ts';
import livePlugin from './plugins/live.ts';
import kbExpiryPlugin from './plugins/kb-expiry.ts';
import dailyReportPlugin from './plugins/daily-report.ts';
import kbPlugin from './plugins/kb.ts';
import ordersPlugin from './plugins/orders.ts';
import hotspotsPlugin from './plugins/hotspots.ts';
import qaPlugin from './plugins/qa.ts';
import sweeperPlugin from './plugins/sweeper.ts';
import trainerPlugin from './plugins/trainer.ts';
import dbPlugin from './plugins/db.ts';
import docsPlugin from './plugins/docs.ts';
import errorsPlugin from './plugins/errors.ts';
import actionRoutes from './routes/actions.ts';
import callbackRoutes from './routes/callbacks.ts';
import adminRoutes from './routes/admin.ts';
import authRoutes from './routes/auth.ts';
import classifyRoutes from './routes/classify.ts';
import healthRoutes from './routes/health.ts';
import kbRoutes from './routes/kb.ts';
import liveRoutes, { type LiveOptions } from './routes/live.ts';
import metaRoutes from './routes/meta.ts';
import queueRoutes from './routes/queue.ts';
import phoneRoutes from './routes/phone.ts';
import missedCallRoutes from './routes/missed-calls.ts';
import hotspotRoutes from './routes/hotspots.ts';
import qaRoutes from './routes/qa.ts';
import publicRoutes, { type PublicOptions } from './routes/public.ts';
import reportRoutes from './routes/reports.ts';
import knowledgeReports from './routes/knowledge-reports.ts';
import liveReports from './routes/reports-live.ts';
import assessmentRoutes from './routes/assessment.ts';
import dailyReportRoutes from './routes/daily-report.ts';
import objectionRoutes from './routes/objections.ts';
import slaRoutes from './routes/sla.ts';
import wechatRoutes, { type WechatOptions } from './routes/wechat.ts';
import workbenchRoutes from './routes/orders-workbench.ts';
import orderRoutes from './routes/orders.ts';
import pageRoutes from './routes/pages.ts';
import open311Routes, { type Open311Options } from './routes/open311.ts';
import metricsPlugin, { type MetricsOptions } from './plugins/metrics.ts';
import { strictJson, validatorCompiler } from './http/validation.ts';
import { requestIdOf, requestSerializer } from './http/request-log.ts';

export interface AppOptions {
  /** A pool owned by the caller (tests, main) or a URL for the app to open and close. */
  db?: DbHandle;
  databaseUrl?: string;
  dbPoolSize?: number;
  clock?: Clock;
  /** Built from rules/ and the area tree when not given. */
  classifier?: Classifier;
  homeCity?: string;
  /** Where the rules files are (the knowledge base's synonyms); the classifier comes built from the same folder. */
  rulesDir?: string;
  /** How long a sign-in lasts. */
  sessionTtlMs?: number;
  /** Rate limits of the public routes. */
  publicLimits?: PublicOptions;
  /** Shared secret of the call-centre system (CTI_SECRET). */
  ctiSecret?: string;
  /** When a live client counts as too slow and is dropped. */
  live?: LiveOptions;
  /** A node-cron schedule for the deadline sweeper; none in tests, which sweep by hand. */
  sweepSchedule?: string;
  /** A node-cron schedule for training the text model from the history; none: not trained here. */
  trainSchedule?: string;
  /** A node-cron schedule for 热点预警's scan; none: scanned only by hand (`app.hotspots.scan()`). */
  hotspotSchedule?: string;
  /** node-cron schedule (Beijing time) of expiring knowledge entries; off when absent. */
  kbExpireSchedule?: string;
  /** node-cron schedule (Beijing time) of making yesterday's 日报; off when absent. */
  dailyReportSchedule?: string;
  /** The WeChat official account: token, app id and the safe-mode key. */
  wechat?: WechatOptions;
  logger?: FastifyServerOptions['logger'];
  /** Largest request body accepted, in bytes; a complaint is text, so this is small. */
  bodyLimit?: number;
  /** Open311 GeoReport v2 (/open311/v2): the jurisdiction served (HOTLINE_CITY by default) and discovery's contact. */
  open311?: Open311Options;
  /** /metrics (Prometheus): off unless a bearer token is configured (METRICS_TOKEN). */
  metrics?: MetricsOptions;
}

/** Request log lines go through the redacting serializer, whatever logger options the caller gave. */
function withRequestSerializer(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = logger === true ? {} : logger;
  return { ...base, serializers: { req: requestSerializer, ...('serializers' in base ? base.serializers : {}) } };
}

/** Build the whole service without listening: main.ts listens, tests use inject(). */
export async function buildApp(opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: withRequestSerializer(opts.logger ?? false),
    bodyLimit: opts.bodyLimit ?? 128 * 1024,
    // The id is read by genReqId, which refuses what is unsafe to log (request-log.ts).
    requestIdHeader: false,
    genReqId: requestIdOf,
    // Path ids are short; anything longer is refused before routing.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // The classifier's plugin reads the rules and the area tree and builds its indexes: CPU
    // work that takes seconds on a quiet machine and can pass fastify's 10 s default on a
    // busy one. A slow start is not a plugin that forgot to resolve; two minutes is.
    pluginTimeout: 120_000,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // The API speaks JSON; text bodies get 415 rather than a confusing schema error.
  app.removeContentTypeParser('text/plain');
  strictJson(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errorsPlugin);
  // Security headers on every answer; no CORS plugin, so other origins' browsers are refused by default.
  // upgrade-insecure-requests is off: on a plain-http desk network (HOST=0.0.0.0) it
  // would send the pages' own scripts and socket to https:// that is not there; the
  // pages use only same-origin relative URLs, so under https it adds nothing.
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // 补充材料: the pictures citizens send by WeChat stay on WeChat's picture host (PicUrl).
        imgSrc: ["'self'", 'data:', 'https://mmbiz.qpic.cn', 'http://mmbiz.qpic.cn'],
        scriptSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(clockPlugin, { clock: opts.clock });
  await app.register(dbPlugin, { handle: opts.db, databaseUrl: opts.databaseUrl, poolSize: opts.dbPoolSize });
  // Before the routes, so its timing hooks see every one of them.
  await app.register(metricsPlugin, { poolSize: opts.dbPoolSize, ...opts.metrics });
  await app.register(classifierPlugin, { classifier: opts.classifier, homeCity: opts.homeCity });
  await app.register(deadlinesPlugin);
  await app.register(kbPlugin, { rulesDir: opts.rulesDir });
  await app.register(ordersPlugin);
  if (opts.sweepSchedule) await app.register(sweeperPlugin, { schedule: opts.sweepSchedule });
  if (opts.trainSchedule) await app.register(trainerPlugin, { schedule: opts.trainSchedule });
  if (opts.kbExpireSchedule) await app.register(kbExpiryPlugin, { schedule: opts.kbExpireSchedule });
  if (opts.dailyReportSchedule) await app.register(dailyReportPlugin, { schedule: opts.dailyReportSchedule });
  await app.register(hotspotsPlugin, { schedule: opts.hotspotSchedule });
  await app.register(qaPlugin);
  await app.register(authPlugin);
  await app.register(docsPlugin);

  await app.register(livePlugin);
  // Runs before @fastify/websocket's own preClose, which closes without a code:
  // clients should learn the server is going away (1001) and reconnect elsewhere.
  app.addHook('preClose', async () => {
    for (const client of app.websocketServer?.clients ?? []) client.close(1001, 'server shutting down');
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(healthRoutes);
  await app.register(liveRoutes, opts.live ?? {});
  await app.register(authRoutes, { prefix: '/api/auth', sessionTtlMs: opts.sessionTtlMs });
  await app.register(orderRoutes, { prefix: '/api/orders' });
  await app.register(workbenchRoutes, { prefix: '/api/orders' });
  await app.register(actionRoutes, { prefix: '/api/orders' });
  await app.register(callbackRoutes, { prefix: '/api/callbacks' });
  await app.register(classifyRoutes, { prefix: '/api/classify' });
  await app.register(slaRoutes, { prefix: '/api/sla' });
  await app.register(reportRoutes, { prefix: '/api/reports' });
  await app.register(knowledgeReports, { prefix: '/api/reports' });
  await app.register(liveReports, { prefix: '/api/reports' });
  await app.register(assessmentRoutes, { prefix: '/api/reports' });
  await app.register(dailyReportRoutes, { prefix: '/api/reports' });
  await app.register(objectionRoutes, { prefix: '/api' });
  await app.register(kbRoutes, { prefix: '/api/kb' });
  await app.register(metaRoutes, { prefix: '/api/meta' });
  await app.register(queueRoutes, { prefix: '/api/queue' });
  await app.register(publicRoutes, { prefix: '/api', ...opts.publicLimits });
  await app.register(phoneRoutes, { prefix: '/api/channels/phone', ctiSecret: opts.ctiSecret });
  await app.register(missedCallRoutes, { prefix: '/api/missed-calls' });
  await app.register(hotspotRoutes, { prefix: '/api/hotspots' });
  await app.register(qaRoutes, { prefix: '/api/qa' });
  await app.register(wechatRoutes, { prefix: '/api/channels/wechat', ...opts.wechat });
  await app.register(adminRoutes, { prefix: '/api/admin', rulesDir: opts.rulesDir });
  await app.register(open311Routes, { prefix: '/open311/v2', jurisdictionId: opts.homeCity, ...opts.open311 });
  await app.register(pageRoutes);
  return app;
}
