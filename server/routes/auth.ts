import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { login, revokeToken } from '../../db/queries/users.ts';
import { ROLES } from '../core/access.ts';
import { AppError } from '../errors.ts';
import { ErrorReply, StringEnum } from './orders.schema.ts';

const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  unitId: Type.String(),
  roles: Type.Array(StringEnum(ROLES)),
});

const authRoutes: FastifyPluginAsyncTypebox<{ sessionTtlMs?: number }> = async (app, opts) => {
  const ttlMs = opts.sessionTtlMs ?? 12 * 3600_000;

  app.post(
    '/login',
    {
      // Open to anyone and two short strings: no reason to read the server's 128 KiB first.
      bodyLimit: 4 * 1024,
      schema: {
        summary: '登录',
        description: '用户名和密码换取 Bearer 令牌；令牌到期或注销后失效。',
        tags: ['auth'],
        body: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 40 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }), user: User }),
          400: ErrorReply,
          401: ErrorReply,
        },
      },
    },
    async (request) => {
      const session = await login(app.db, request.body.username, request.body.password, { at: app.clock.now(), ttlMs });
      if (!session) throw new AppError(401, 'BAD_CREDENTIALS', '用户名或密码错误');
      const { user } = session;
      request.log.info({ user: user.username }, 'signed in');
      return {
        token: session.token,
        expiresAt: session.expiresAt.toISOString(),
        user: { id: user.id, username: user.username, displayName: user.displayName, unitId: user.unitId, roles: user.roles },
      };
    },
  );

  app.post(
    '/logout',
    { preHandler: app.requireUser(), schema: { summary: '注销当前令牌', tags: ['auth'], security: [{ bearer: [] }], response: { 204: Type.Null(), 401: ErrorReply } } },
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
        response: { 200: Type.Object({ userId: Type.Integer(), username: Type.String(), unitId: Type.String(), roles: Type.Array(Type.String()) }), 401: ErrorReply },
      },
    },
    async (request) => request.viewer!,
  );
};

export default authRoutes;
