/**
 * 管理员: accounts, their sessions, sign-in lockouts and the security audit. Admins
 * only; every change is written with a security event naming the admin
 * (`user:<id>`). Ending a user's access (disable, password reset, revoking a
 * session) ends it at once, live sockets included (see db/queries/sessions.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../core/errors.ts';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { openSessionsOf } from '../../db/queries/sessions.ts';
import { childUnits } from '../../db/queries/units.ts';
import { lockedKeys, securityEventsPage, unlockKey } from '../../db/queries/throttle.ts';
import { addUser, listUsers, resetPassword, revokeUserSession, updateUser, userById, type UserRecord } from '../../db/queries/users.ts';
import { checkPassword } from '../core/password-rules.ts';
import { hashPassword } from '../passwords.ts';
import type { RuleSet } from '../core/rules.ts';
import { examplesMissed } from '../rules/examples.ts';
import { loadKbSynonyms } from '../rules/kb-synonyms.ts';
import {
  adminErrors as errors,
  AuditPage,
  AuditQuery,
  CreateUserBody,
  ListUsersQuery,
  Lockouts,
  PasswordBody,
  RulesState,
  SessionRef,
  UnitChildren,
  UnitChildrenQuery,
  Sessions,
  UnlockBody,
  UpdateUserBody,
  User,
  UserId,
  UserPage,
} from './admin.schema.ts';

const shape = (u: UserRecord) => ({ ...u, createdAt: u.createdAt.toISOString() });
const noUser = (id: number | string) => new DomainError('USER_NOT_FOUND', `用户 ${id} 不存在`, { field: 'id' });

const adminRoutes: FastifyPluginAsyncTypebox<{ rulesDir?: string }> = async (app, opts) => {
  const common = { tags: ['admin'], security: [{ bearer: [] }] };
  const preHandler = app.requireUser(['admin']);
  const by = (request: FastifyRequest) => ({ actor: `user:${request.viewer!.userId}`, at: app.clock.now() });

  app.post(
    '/users',
    {
      preHandler,
      schema: {
        ...common,
        summary: '新建用户（管理员）',
        description:
          '用户名不可重复（409）；单位须存在（422，field 为 unitId）；密码至少 10 个字符且不能包含用户名（422，field 为 password）。应答不含密码或其散列。',
        body: CreateUserBody,
        response: { 201: User, ...errors },
      },
    },
    async (request, reply) => {
      const { password, ...u } = request.body;
      checkPassword(password, u.username);
      const user = await addUser(app.db, { ...u, passwordHash: await hashPassword(password) }, by(request));
      request.log.info({ created: user.username }, 'user created');
      return reply.status(201).header('location', `/api/admin/users/${user.id}`).send(shape(user));
    },
  );

  app.get(
    '/users',
    {
      preHandler,
      schema: {
        ...common,
        summary: '用户列表（管理员）',
        description: '可按单位（unitId）、角色（role）、是否停用（disabled）筛选；按 id 排序，nextCursor 传回 after 取下一页。',
        querystring: ListUsersQuery,
        response: { 200: UserPage, ...errors },
      },
    },
    async (request) => {
      const { after, limit = 100, ...filter } = request.query;
      const rows = await listUsers(app.db, { ...filter, afterId: after, limit: limit + 1 });
      const items = rows.slice(0, limit).map(shape);
      return { items, ...(rows.length > limit ? { nextCursor: items.at(-1)!.id } : {}) };
    },
  );

  app.get(
    '/users/:id',
    { preHandler, schema: { ...common, summary: '查看用户（管理员）', params: UserId, response: { 200: User, ...errors } } },
    async (request) => shape((await userById(app.db, Number(request.params.id))) ?? throwing(noUser(request.params.id))),
  );

  app.patch(
    '/users/:id',
    {
      preHandler,
      schema: {
        ...common,
        summary: '修改用户（管理员）',
        description:
          '修改姓名、角色、单位或停用。停用立即结束其全部会话（含实时连接）；角色、单位的变更立即生效。管理员不能停用自己或去掉自己的管理员角色。只记录真正改变的字段。',
        params: UserId,
        body: UpdateUserBody,
        response: { 200: User, ...errors },
      },
    },
    async (request) => {
      const id = Number(request.params.id);
      const change = request.body;
      if (id === request.viewer!.userId) {
        if (change.disabled === true) throw new DomainError('SELF_LOCKOUT', '不能停用自己的账号', { field: 'disabled' });
        if (change.roles && !change.roles.includes('admin'))
          throw new DomainError('SELF_LOCKOUT', '不能去掉自己的管理员角色', { field: 'roles' });
      }
      const user = await updateUser(app.db, id, change, by(request));
      return shape(user ?? throwing(noUser(id)));
    },
  );

  app.get(
    '/users/:id/sessions',
    {
      preHandler,
      schema: {
        ...common,
        summary: '用户的有效会话（管理员）',
        description: '会话 id 是令牌散列的前 16 位，不是令牌，也不能用来登录。',
        params: UserId,
        response: { 200: Sessions, ...errors },
      },
    },
    async (request) => {
      const id = Number(request.params.id);
      if (!(await userById(app.db, id))) throw noUser(id);
      const items = await openSessionsOf(app.db, id, app.clock.now());
      return { items: items.map((s) => ({ id: s.id, createdAt: s.createdAt.toISOString(), expiresAt: s.expiresAt.toISOString() })) };
    },
  );

  app.delete(
    '/users/:id/sessions/:sessionId',
    {
      preHandler,
      schema: {
        ...common,
        summary: '结束用户的一个会话（管理员）',
        description: '令牌立即失效，使用它的实时连接以 4401 关闭。',
        params: SessionRef,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const ended = await revokeUserSession(app.db, Number(request.params.id), request.params.sessionId, by(request));
      if (!ended) throw new DomainError('SESSION_NOT_FOUND', `会话 ${request.params.sessionId} 不存在或已结束`, { field: 'sessionId' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/lockouts',
    {
      preHandler,
      schema: {
        ...common,
        summary: '被锁定的登录（管理员）',
        description: '因密码错误次数过多而暂时锁定的用户名与来源地址（最多 500 个）。',
        response: { 200: Lockouts, ...errors },
      },
    },
    async () => ({ items: (await lockedKeys(app.sql, app.clock.now())).map((k) => ({ ...k, lockedUntil: k.lockedUntil.toISOString() })) }),
  );

  app.post(
    '/lockouts/unlock',
    {
      preHandler,
      schema: {
        ...common,
        summary: '解除登录锁定（管理员）',
        description: '清除该用户名或地址的错误计数，立即可以再次登录；记入安全审计。',
        body: UnlockBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { scope, key } = request.body;
      if (!(await unlockKey(app.sql, scope, key, by(request))))
        throw new DomainError('LOCK_NOT_FOUND', `${key} 没有登录失败记录`, { field: 'key' });
      request.log.info({ scope, key }, 'sign-in unlocked');
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/audit',
    {
      preHandler,
      schema: {
        ...common,
        summary: '安全审计（管理员）',
        description: '账号变更、会话结束、登录锁定与解锁，新的在前；subject 只看一个对象，nextCursor 传回 before 取下一页。',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errors },
      },
    },
    async (request) => {
      const { subject, before, limit = 100 } = request.query;
      const rows = await securityEventsPage(app.sql, { subject, beforeId: before, limit: limit + 1 });
      const items = rows.slice(0, limit).map((e) => ({ ...e, at: e.at.toISOString(), detail: e.detail ?? {} }));
      return { items, ...(rows.length > limit ? { nextCursor: items.at(-1)!.id } : {}) };
    },
  );

  // Last in the document: a reset ends the sessions of whoever it names, so tools
  // walking the operations in order meet it after the others.
  app.post(
    '/users/:id/password',
    {
      preHandler,
      schema: {
        ...common,
        summary: '重置用户密码（管理员）',
        description: '设置新密码（规则同新建）；该用户的全部会话立即结束，实时连接以 4401 关闭。',
        params: UserId,
        body: PasswordBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const id = Number(request.params.id);
      const user = await userById(app.db, id);
      if (!user) throw noUser(id);
      checkPassword(request.body.password, user.username);
      const done = await resetPassword(app.db, id, await hashPassword(request.body.password), by(request));
      if (!done) throw noUser(id);
      request.log.info({ user: user.username, sessionsEnded: done.sessionsEnded }, 'password reset');
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/units',
    {
      preHandler,
      schema: {
        ...common,
        summary: '单位树的一层（管理员）',
        description: '新建、修改用户时选择所属单位：不带 parent 为最上层单位（热线中心、市政府），带 parent 为其下级单位。',
        querystring: UnitChildrenQuery,
        response: { 200: UnitChildren, ...errors },
      },
    },
    async (request) => ({ units: await childUnits(app.sql, request.query.parent ?? null) }),
  );

  // Read from the rules directory the service started on, when it started: the same groups the knowledge base loaded.
  const synonymGroups = loadKbSynonyms(opts.rulesDir).length;
  app.get(
    '/rules',
    {
      preHandler,
      schema: {
        ...common,
        summary: '规则状态（管理员）',
        description:
          '运行中的服务加载的规则（rules/）：事项大类、事项、关键词、部门、负面清单、紧急情形、外地地区和知识库同义词组的数目；以及与 `npm run rules:check` 相同的示例检查结果。规则有错时服务不会启动，所以这里只会是示例检查的结果。',
        response: { 200: RulesState, ...errors },
      },
    },
    async () => {
      const rules = app.classifier.rules;
      const { checked: examples, missed } = checkOf(rules);
      const name = (code: string) => rules.categories.find((c) => c.code === code)?.name ?? '（未分类）';
      return {
        families: rules.families.length,
        matters: rules.categories.length,
        words: rules.categories.reduce((n, c) => n + c.keywords.length, 0),
        departments: rules.departments.city.length + rules.departments.district.length,
        negativeListRules: rules.negativeList.length,
        urgencyRules: rules.urgency.length,
        regions: rules.regions.length,
        synonymGroups,
        check: {
          ok: missed.length === 0,
          examples,
          missed: missed.slice(0, 20).map((m) => ({ code: m.code, name: name(m.code), gotName: name(m.got), example: m.example })),
        },
      };
    },
  );
};

/** The rules' own check (as `npm run rules:check`) of a rule set, run once per set: the classifier swaps it whole on refresh. */
const checked = new WeakMap<RuleSet, ReturnType<typeof examplesMissed>>();
function checkOf(rules: RuleSet) {
  let result = checked.get(rules);
  if (!result) checked.set(rules, (result = examplesMissed(rules)));
  return result;
}

function throwing(err: Error): never {
  throw err;
}

export default adminRoutes;
