import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.ts';
import fp from 'fastify-plugin';
import { sessionForToken } from '../../db/queries/sessions.ts';
import type { Role, Viewer } from '../core/access.ts';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
    bearer: string | null;
  }
  interface FastifyInstance {
    /** A preHandler: the request must carry a valid token, and the user one of `roles` if given. */
    requireUser(roles?: Role[]): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

/** Bearer tokens from POST /api/auth/login; checked against the sessions table on every request. */
export default fp(
  async function auth(app) {
    app.decorateRequest('viewer', null);
    app.decorateRequest('bearer', null);
    app.decorate('requireUser', (roles?: Role[]) => async (request: FastifyRequest) => {
      const header = request.headers.authorization;
      const match = header?.match(/^Bearer ([A-Za-z0-9_-]{20,100})$/);
      if (!match) throw new DomainError('UNAUTHENTICATED', '请先登录（Authorization: Bearer <token>）');
      // Read on every request: a disabled user, a revoked or expired session is refused at once.
      const viewer = (await sessionForToken(app.db, match[1]!, app.clock.now()))?.viewer;
      if (!viewer) throw new DomainError('UNAUTHENTICATED', '登录已失效、已注销或令牌无效，请重新登录');
      if (roles && !viewer.roles.some((r) => roles.includes(r) || r === 'admin')) {
        throw new DomainError('FORBIDDEN', `需要以下角色之一：${roles.join(', ')}`);
      }
      request.viewer = viewer;
      request.bearer = match[1]!;
      request.log = request.log.child({ user: viewer.username });
    });
  },
  { name: 'auth', dependencies: ['db', 'clock'] },
);
