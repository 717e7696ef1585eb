/**
 * What citizens reach without signing in: the web form, and the tracking page
 * where they see progress (no personal data) and rate the reply.
 */
import rateLimit from '@fastify/rate-limit';
import { DomainError } from '../core/errors.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { unitNameOf } from '../../db/queries/units.ts';
import { findOrder, timeline, type OrderRow } from '../../db/queries/orders.ts';
import { appendSecurityEvent, clearFailures, lockOf, recordFailure } from '../../db/queries/throttle.ts';
import { ACTION_LABELS, STATUS_LABELS, type OrderAction } from '../core/lifecycle.ts';
import { retryAfterSeconds, type BudgetPolicy } from '../core/throttle.ts';
import { opensWith } from '../orders/query-code.ts';
import { ErrorReply } from './orders.schema.ts';
import { Rating, TrackNumber, TrackQuery, Tracking, WebReceipt, WebSubmission } from './public.schema.ts';

export interface PublicOptions {
  /** Web submissions per client address per minute. */
  webPerMinute?: number;
  /** Tracking look-ups and ratings per client address per minute; what stops guessing is the number's budget below. */
  trackPerMinute?: number;
  /** Wrong answers one order number may take, tracking and rating together, before it is locked. */
  trackBudget?: BudgetPolicy;
}

/**
 * Per order number, not per address: addresses are cheap, numbers are sequential.
 * Five wrong answers, then 15 minutes, each next lock twice as long up to a day; a
 * day without a wrong answer forgives.
 */
export const TRACK_BUDGET: BudgetPolicy = { failures: 5, firstLockMs: 15 * 60_000, maxLockMs: 24 * 3600_000, forgetAfterMs: 24 * 3600_000 };

const errors = { 400: ErrorReply, 404: ErrorReply, 409: ErrorReply, 422: ErrorReply, 429: ErrorReply };

/** Steps a citizen is shown; internal ones (phone views, assists) are not theirs to see. */
const PUBLIC_STEPS: Record<string, string> = { create: '已登记', ...ACTION_LABELS };
const HIDDEN = new Set(['phone_viewed', 'assign_assist', 'assist_claim', 'assist_reply', 'urge', 'supervise', 'merged_in']);

/** Fastify's request log line, without the query string: the 查询码 travels in it and must not reach the logs. */
const withoutQuery = {
  req: (req: FastifyRequest) => ({
    method: req.method,
    url: req.url.split('?')[0],
    version: req.headers['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }),
};

/** A reply not yet rated, or an answer on the call (closed, never rated). */
const awaitsRating = (o: OrderRow) => o.status === 'replied' || (o.status === 'closed' && o.satisfaction === null);

const publicRoutes: FastifyPluginAsyncTypebox<PublicOptions> = async (app, opts) => {
  await app.register(rateLimit, {
    global: false,
    // The error handler turns this into the service's usual JSON, with Retry-After set by the plugin.
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `提交过于频繁，请 ${Math.ceil(ctx.ttl / 1000)} 秒后再试`,
    }),
  });

  app.post(
    '/channels/web',
    {
      // Open to anyone; 2,000 characters even if every one is \u-escaped (6 bytes each) fit with room to spare.
      bodyLimit: 32 * 1024,
      config: { rateLimit: { max: opts.webPerMinute ?? 5, timeWindow: 60_000 } },
      schema: {
        summary: '网站提交诉求（公开）',
        description:
          '无需登录。每个客户端地址每分钟限提交若干次（429 + Retry-After）；请求头 Idempotency-Key 必填：同一联系电话以同一 Idempotency-Key 重复提交只产生一张工单，返回首次创建的工单（200）；同一 Idempotency-Key 用于内容不同的提交返回 422。返回工单编号和一次性告知，告知中的查询码只在首次创建时给出。',
        tags: ['public'],
        headers: Type.Object({ 'idempotency-key': Type.String({ minLength: 8, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' }) }),
        body: WebSubmission,
        response: { 200: WebReceipt, 201: WebReceipt, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { order, created, notice } = await app.orders.intake(
        { channel: 'web', citizenName: b.name ?? null, citizenPhone: b.phone, content: b.content, locationText: b.location ?? null },
        {
          actor: { id: 'citizen:web' },
          idempotencyKey: request.headers['idempotency-key'],
          // Every citizen signs as citizen:web; the phone number tells submitters apart, so
          // one citizen's key neither finds nor names another's order (nor a desk's).
          idempotencyScope: `web:${b.phone.replace(/\D/g, '')}`,
          inbound: { body: b, ip: request.ip },
        },
      );
      return reply.status(created ? 201 : 200).send({
        number: order.number,
        status: order.status,
        notice,
        // The citizens' tracking page, where the number is filled in and the 查询码 asked for (never put in a link).
        trackUrl: `/track.html?number=${encodeURIComponent(order.number)}`,
      });
    },
  );

  const budget = opts.trackBudget ?? TRACK_BUDGET;

  /**
   * The order, if `code` (its 查询码) opens it; otherwise it does not exist. Each attempt is
   * counted against the number's budget before it is checked, and forgiven when it
   * is right: guesses that arrive together queue on the budget's row, so no more
   * than the budget are ever checked, whatever their address. A number that does not
   * exist spends its budget and answers in the same way, so the answers tell nothing.
   * An order from before query codes has none and opens with no code (see notice.ts).
   */
  async function ownOrder(number: string, code: string, request: FastifyRequest, reply: FastifyReply) {
    const now = app.clock.now();
    const refuse = (until: Date) => {
      const seconds = retryAfterSeconds(until, now);
      reply.header('retry-after', String(seconds));
      return new DomainError('TRACK_LOCKED', `该工单查询错误次数过多，请 ${seconds} 秒后再试`);
    };
    // Not needed for correctness (recordFailure refuses a locked key too); a flood against a locked number writes nothing.
    const held = await lockOf(app.sql, 'track', number, now);
    if (held) throw refuse(held);
    const attempt = await recordFailure(app.sql, 'track', number, now, budget);
    if (attempt.lockedUntil && !attempt.newlyLocked) throw refuse(attempt.lockedUntil);
    const order = await findOrder(app.db, number);
    if (order && opensWith(order.queryCodeHash, code)) {
      await clearFailures(app.sql, 'track', number);
      return order;
    }
    if (attempt.newlyLocked) {
      await appendSecurityEvent(app.sql, {
        at: now,
        actor: 'system',
        action: 'track_locked',
        subject: number,
        detail: { scope: 'track', lockedUntil: attempt.lockedUntil!.toISOString(), address: request.ip },
      });
    }
    throw new DomainError('ORDER_NOT_FOUND', `工单 ${number} 不存在，或查询码不符`);
  }

  app.get(
    '/track/:number',
    {
      config: { rateLimit: { max: opts.trackPerMinute ?? 30, timeWindow: 60_000 } },
      logSerializers: withoutQuery,
      schema: {
        summary: '查询办理进度（公开）',
        description:
          '凭工单编号和查询码（一次性告知中给出）查询；不含任何个人信息。查询码启用前登记的工单没有查询码，不能在网上查询。同一工单编号的查询与评价共用错误次数：答错 5 次后锁定 15 分钟，每次锁定时间加倍（最长 1 天），锁定期间即使答对也返回 429 + Retry-After。编号不存在与答错的应答相同。',
        tags: ['public'],
        params: Type.Object({ number: TrackNumber }),
        querystring: TrackQuery,
        response: { 200: Tracking, ...errors },
      },
    },
    async (request, reply) => {
      const order = await ownOrder(request.params.number, request.query.code, request, reply);
      const events = await timeline(app.db, order.id);
      const unit = await unitNameOf(app.sql, order.currentUnitId);
      const master = order.mergedIntoId ? events.find((e) => e.action === 'master_result') : undefined;
      return {
        number: order.number,
        status: order.status,
        statusLabel: STATUS_LABELS[order.status],
        category: app.classifier.rules.categories.find((c) => c.code === order.categoryCode)?.name ?? null,
        unit,
        createdAt: order.createdAt,
        reply: order.replyText ?? master?.reason ?? null,
        canRate: awaitsRating(order),
        history: events
          .filter((e) => !HIDDEN.has(e.action))
          .map((e) => ({ at: e.at, step: PUBLIC_STEPS[e.action as OrderAction] ?? e.action })),
      };
    },
  );

  app.post(
    '/track/:number/rating',
    {
      // Open to anyone: a query code, a choice and a 500-character comment.
      bodyLimit: 8 * 1024,
      config: { rateLimit: { max: opts.trackPerMinute ?? 30, timeWindow: 60_000 } },
      schema: {
        summary: '评价答复（好差评，公开）',
        description:
          '答复后诉求人凭查询码评价：满意或基本满意则办结，不满意则退回原承办单位重办（热线当场答复的咨询则回到派单队列）。每次答复只能评价一次，只在「已答复」或「当场答复办结、尚未评价」时接受；其他状态（已评价、重办中等）返回 409 RATING_CLOSED，不做任何改动。与查询共用同一工单编号的错误次数（见查询办理进度）。',
        tags: ['public'],
        params: Type.Object({ number: TrackNumber }),
        body: Rating,
        response: { 200: Type.Object({ status: Type.String(), statusLabel: Type.String() }), ...errors },
      },
    },
    async (request, reply) => {
      const { code, satisfaction, comment } = request.body;
      const order = await ownOrder(request.params.number, code, request, reply);
      // A reply waits for its rating; so does an answer given on the call (直办), closed unrated.
      const input =
        satisfaction === 'unsatisfied'
          ? ({ action: 'reopen', reason: comment ?? '诉求人评价不满意' } as const)
          : order.status === 'closed'
            ? ({ action: 'rate', satisfaction, note: comment } as const)
            : ({ action: 'close', satisfaction, note: comment } as const);
      const { order: after } = await app.orders.apply(String(order.id), input, {
        viewer: null,
        actor: 'citizen:track',
        // Once per reply, checked on the locked row: the state machine alone would let
        // 不满意 reopen a closed order, i.e. undo a rating already given.
        onlyIf: (locked) =>
          awaitsRating(locked)
            ? null
            : new DomainError(
                'RATING_CLOSED',
                `工单 ${order.number} 当前为「${STATUS_LABELS[locked.status]}」，不在待评价状态：每次答复只能评价一次`,
              ),
      });
      return { status: after.status, statusLabel: STATUS_LABELS[after.status] };
    },
  );
};

export default publicRoutes;
