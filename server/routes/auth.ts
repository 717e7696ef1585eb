import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../core/errors.ts';
import { Type } from 'typebox';
import { setTimeout } from 'node:timers/promises';
import type { FastifyReply } from 'fastify';
import { appendSecurityEvent, budgetsOf, clearFailures, recordFailure } from '../../db/queries/throttle.ts';
import { openSession, revokeToken } from '../../db/queries/sessions.ts';
import { userByUsername } from '../../db/queries/users.ts';
import { ROLES } from '../core/access.ts';
import { failedRecently, latestLock, LOGIN_POLICIES, type LoginScope } from '../core/login.ts';
import { retryAfterSeconds } from '../core/throttle.ts';
import { decoyHash, LOGIN_GATE, verifyPassword } from '../passwords.ts';
import { ErrorReply, StringEnum } from './orders.schema.ts';

const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  unitId: Type.String(),
  roles: Type.Array(StringEnum(ROLES)),
});

/**
 * A refusal is answered after a second, not at once: a client that waits for each
 * answer before the next guess (as HTTP clients do) then costs the service a few
 * requests a second per connection instead of hundreds. The wait is a timer, no work.
 */
const REFUSAL_DELAY_MS = 1000;

const authRoutes: FastifyPluginAsyncTypebox<{ sessionTtlMs?: number }> = async (app, opts) => {
  const ttlMs = opts.sessionTtlMs ?? 12 * 3600_000;

  app.post(
    '/login',
    {
      // Open to anyone and two short strings: no reason to read the server's 128 KiB first.
      bodyLimit: 4 * 1024,
      schema: {
        summary: '登录',
        description:
          '用户名和密码换取 Bearer 令牌；令牌到期或注销后失效。同一用户名连续输错 5 次、同一来源地址输错 30 次后暂时锁定（1 分钟起，每次加倍，最长 1 小时），锁定期间返回 429 并带 Retry-After，不再校验密码；管理员可解锁。',
        tags: ['auth'],
        body: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 40 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }), user: User }),
          400: ErrorReply,
          401: ErrorReply,
          429: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const address = request.ip;
      const keys = [
        { scope: 'login_user', key: username },
        { scope: 'login_addr', key: address },
      ] as const;
      // An address with its places in the queue taken is refused before any query.
      if (LOGIN_GATE.full(address)) return refuseBusy(reply);
      // A locked key is refused before anything is hashed or queued.
      const [userBudget, addrBudget] = await budgetsOf(app.sql, keys);
      const now = app.clock.now();
      await refuseLocked(reply, latestLock([userBudget!, addrBudget!], now));
      const user = await userByUsername(app.db, username);
      // Clean: an existing account, neither it nor the address failing lately. A spray
      // of made-up usernames, or of guesses at one account, then waits behind real users.
      const clean =
        user !== undefined &&
        !failedRecently(userBudget!, now, LOGIN_POLICIES.login_user) &&
        !failedRecently(addrBudget!, now, LOGIN_POLICIES.login_addr);
      const verdict = LOGIN_GATE.run(address, clean, async () => {
        // Read again once it is our turn: guesses queued together must not all pass one budget.
        const at = app.clock.now();
        const lock = latestLock(await budgetsOf(app.sql, keys), at);
        if (lock) return { lock };
        const ok = (await verifyPassword(password, user?.passwordHash ?? (await decoyHash()))) && user !== undefined && !user.disabled;
        // Counted before the next in line reads the budget.
        if (!ok) for (const { scope, key } of keys) await countFailure(scope, key, { at, username, address });
        return { ok };
      });
      if (!verdict) return refuseBusy(reply);
      const outcome = await verdict;
      if (outcome.lock) await refuseLocked(reply, outcome.lock);
      if (!outcome.ok || !user) throw new DomainError('BAD_CREDENTIALS', '用户名或密码错误');
      if (userBudget) await clearFailures(app.sql, 'login_user', username);
      const session = await openSession(app.db, user.id, { at: app.clock.now(), ttlMs });
      request.log.info({ user: user.username }, 'signed in');
      return {
        token: session.token,
        expiresAt: session.expiresAt.toISOString(),
        user: { id: user.id, username: user.username, displayName: user.displayName, unitId: user.unitId, roles: user.roles },
      };
    },
  );

  /** 429 when the address already has its share of the hash queue. */
  async function refuseBusy(reply: FastifyReply): Promise<never> {
    await setTimeout(REFUSAL_DELAY_MS);
    reply.header('retry-after', '1');
    throw new DomainError('LOGIN_BUSY', '登录请求过多，请稍后再试', { retryAfter: 1 });
  }

  /** 429 with Retry-After while a lock holds. */
  async function refuseLocked(reply: FastifyReply, until: Date | null): Promise<void> {
    if (!until) return;
    await setTimeout(REFUSAL_DELAY_MS);
    const seconds = retryAfterSeconds(until, app.clock.now());
    reply.header('retry-after', String(seconds));
    throw new DomainError('LOGIN_LOCKED', `登录失败次数过多，该账号或本机地址已暂时锁定，请 ${seconds} 秒后再试`, { retryAfter: seconds });
  }

  /** One wrong guess against a key; the guess that starts a lock is put on record. */
  async function countFailure(scope: LoginScope, key: string, attempt: { at: Date; username: string; address: string }): Promise<void> {
    const { lockedUntil, newlyLocked } = await recordFailure(app.sql, scope, key, attempt.at, LOGIN_POLICIES[scope]);
    if (!newlyLocked || !lockedUntil) return;
    app.log.warn({ scope, key, lockedUntil }, 'sign-in locked after too many wrong passwords');
    await appendSecurityEvent(app.sql, {
      at: attempt.at,
      actor: 'system',
      action: 'login_locked',
      subject: `${scope}:${key}`,
      detail: { lockedUntil: lockedUntil.toISOString(), username: attempt.username, address: attempt.address },
    });
  }

  app.post(
    '/logout',
    {
      preHandler: app.requireUser(),
      schema: { summary: '注销当前令牌', tags: ['auth'], security: [{ bearer: [] }], response: { 204: Type.Null(), 401: ErrorReply } },
    },
    async (request, reply) => {
      await revokeToken(app.db, request.bearer!, app.clock.now());
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '当前用户',
        tags: ['auth'],
        security: [{ bearer: [] }],
        response: {
          200: Type.Object({ userId: Type.Integer(), username: Type.String(), unitId: Type.String(), roles: Type.Array(Type.String()) }),
          401: ErrorReply,
        },
      },
    },
    async (request) => request.viewer!,
  );
};

export default authRoutes;
