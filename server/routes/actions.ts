import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../core/errors.ts';
import { Type } from 'typebox';
import { ACTION_RULES, ROLE_LABELS } from '../core/access.ts';
import { ACTION_LABELS, ACTIONS, TRANSITIONS, type ActionInput } from '../core/lifecycle.ts';
import { ActionBodies, errors, Order, OrderEvent, OrderRef, ReplyCheckBody, ReplyCheckResult } from './orders.schema.ts';
import { REPLY_CHECK_LABELS } from '../core/reply-quality.ts';
import { present } from '../http/order-view.ts';

const RELATION_TEXT = {
  hotline: '热线中心',
  holder: '当前承办单位',
  sender: '派出单位',
  assist: '协办单位',
  oversight: '承办单位或其上级单位',
} as const;

/** Who may take an action, in words, for the OpenAPI document. */
const whoMay = (action: (typeof ACTIONS)[number]) =>
  ACTION_RULES[action].map((r) => `${r.roles.map((x) => `${ROLE_LABELS[x]}(${x})`).join('、')} — ${RELATION_TEXT[r.relation]}`).join('；');

const actionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const action of ACTIONS) {
    const t = TRANSITIONS[action];
    app.post(
      `/:id/actions/${action}`,
      {
        preHandler: app.requireUser(),
        schema: {
          summary: `${ACTION_LABELS[action]}（${action}）`,
          description:
            `适用状态：${t.from.join('、')}${t.to ? `；之后为 ${t.to}` : '；状态不变，记入痕迹'}。\n\n` +
            `可执行者：${whoMay(action)}；管理员(admin) 均可。看不到的工单返回 404，无权的操作返回 403，状态不允许返回 409。`,
          tags: ['actions'],
          security: [{ bearer: [] }],
          params: Type.Object({ id: OrderRef }),
          body: ActionBodies[action],
          response: { 200: Type.Object({ order: Order, event: OrderEvent }), ...errors },
        },
        // Actions without fields may be posted with no body at all; a JSON null is a body, and the wrong type.
        preValidation: async (request) => {
          if (request.body === undefined) request.body = {};
        },
      },
      async (request) => {
        const input = { action, ...(request.body as object) } as ActionInput;
        if (input.action === 'return' && input.reasonCode === 'other' && !input.reason) {
          throw new DomainError('VALIDATION_FAILED', '退单原因为 other 时必须填写 reason', { field: 'reason' });
        }
        const { order, event } = await app.orders.apply(request.params.id, input, { viewer: request.viewer! });
        return { order: present(order), event };
      },
    );
  }

  app.post(
    '/:id/reply-check',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '答复质检（发送前检查答复）',
        description:
          '按 rules/reply-checks.yaml 检查拟发送的答复：过短、只有套话、未说明办理措施、含他人电话或身份证号、未回应诉求事项、承诺日期已过。' +
          '只检查不发送；未通过时，回复操作须附 qualityReason 说明理由方可发送。可执行者与「回复」相同。',
        tags: ['actions'],
        security: [{ bearer: [] }],
        params: Type.Object({ id: OrderRef }),
        body: ReplyCheckBody,
        response: { 200: ReplyCheckResult, ...errors },
      },
    },
    async (request) => {
      const findings = await app.orders.checkReply(request.params.id, request.body.text, request.viewer!);
      return { findings: findings.map((f) => ({ ...f, label: REPLY_CHECK_LABELS[f.check] })) };
    },
  );

  app.post(
    '/:id/actions/:action',
    { schema: { hide: true, params: Type.Object({ id: Type.String(), action: Type.String() }) } },
    async (request) => {
      throw new DomainError('UNKNOWN_ACTION', `未知操作「${request.params.action}」；可用操作：${ACTIONS.join(', ')}`, {
        field: 'action',
      });
    },
  );
};

export default actionRoutes;
