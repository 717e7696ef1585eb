/**
 * 人工质检: the quality inspectors' (质检员) samples of closed orders, their score on
 * the rubric of rules/qa-rubric.yaml, the month's report, and the on-demand draw.
 * The inspectors work city-wide; citizens' numbers are masked everywhere here.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { maskPhone } from '../core/access.ts';
import type { Satisfaction } from '../core/lifecycle.ts';
import { maskPhonesIn } from '../core/privacy.ts';
import type { ReplyCheck } from '../core/reply-quality.ts';
import type { SampleRow } from '../../db/queries/qa.ts';
import {
  errors,
  QaDrawReply,
  QaMonthQuery,
  QaReportReply,
  QaRubricReply,
  QaSample,
  QaSampleList,
  QaSampleQuery,
  QaScoreBody,
  SampleId,
} from './qa.schema.ts';

const qaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const inspectors = app.requireUser(['qa']);
  const matterName = (code: string | null) => (code ? (app.classifier.rules.categories.find((c) => c.code === code)?.name ?? null) : null);
  const present = (s: SampleRow): Static<typeof QaSample> => ({
    id: s.id,
    reason: s.reason,
    status: s.scoredAt ? 'scored' : 'pending',
    sampledAt: s.sampledAt,
    unitId: s.unitId,
    unitName: s.unitName,
    order: {
      id: s.orderId,
      number: s.orderNumber,
      status: s.orderStatus,
      content: maskPhonesIn(s.content),
      categoryCode: s.categoryCode,
      matterName: matterName(s.categoryCode),
      citizenPhone: maskPhone(s.citizenPhone),
      createdAt: s.createdAt,
      closedAt: s.closedAt,
      satisfaction: s.satisfaction as Satisfaction | null,
      reopenCount: s.reopenCount,
    },
    reply: {
      text: s.replyText === null ? null : maskPhonesIn(s.replyText),
      at: s.repliedAt,
      direct: s.replyAction === 'answer',
      checks: s.quality ? { findings: s.quality.findings as ReplyCheck[], reason: s.quality.reason ?? null } : null,
    },
    score: s.scoredAt
      ? { items: s.items!, total: s.total!, passed: s.passed!, comment: s.comment, scoredBy: s.scoredBy!, scoredAt: s.scoredAt }
      : null,
  });
  const base = { tags: ['qa'], security: [{ bearer: [] }] };

  app.get(
    '/rubric',
    {
      preHandler: app.requireUser(['qa', 'supervisor']),
      schema: {
        ...base,
        summary: '质检评分表',
        description: 'rules/qa-rubric.yaml：随机抽检比例、合格线、各评分项及其满分（合计 100）。',
        response: { 200: QaRubricReply, ...errors },
      },
    },
    async () => app.classifier.rules.qaRubric,
  );

  app.get(
    '/samples',
    {
      preHandler: inspectors,
      schema: {
        ...base,
        summary: '质检样本',
        description:
          '办结工单的质检样本：答复经质检提示仍发送的、诉求人评价不满意（重办过）的全部抽取，其余按工单编号确定性随机抽取 sampleShare（rules/qa-rubric.yaml）。' +
          '每件工单只抽一次，在办结的同一事务中决定。列出诉求、被抽检的答复、评价和答复质检结果；诉求人电话已隐去。仅质检员可查看。',
        querystring: QaSampleQuery,
        response: { 200: QaSampleList, ...errors },
      },
    },
    async (request) => {
      const { status = 'pending', limit = 50 } = request.query;
      return { items: (await app.qa.list(status, limit)).map(present) };
    },
  );

  app.get(
    '/samples/:id',
    { preHandler: inspectors, schema: { ...base, summary: '质检样本详情', params: SampleId, response: { 200: QaSample, ...errors } } },
    async (request) => present(await app.qa.get(request.params.id)),
  );

  app.post(
    '/samples/:id/score',
    {
      preHandler: inspectors,
      schema: {
        ...base,
        summary: '质检评分',
        description:
          '按 rules/qa-rubric.yaml 的每一项打分（整数，0 到该项满分），总分达到合格线为合格。缺项、未知项或超过满分返回 400，field 为 items.<code>，不做任何改动。' +
          '每个样本只评一次：再次评分返回 409。评分与工单痕迹中的「质检评分」在同一事务中记录。',
        params: SampleId,
        body: QaScoreBody,
        response: { 200: QaSample, ...errors },
      },
    },
    async (request) => {
      const { items, comment } = request.body;
      return present(await app.qa.score(request.params.id, { items, comment: comment ?? null }, request.viewer!));
    },
  );

  app.get(
    '/report',
    {
      preHandler: app.requireUser(['qa', 'supervisor']),
      schema: {
        ...base,
        summary: '质检月报',
        description:
          '各答复单位该月登记工单（口径同考核）的质检样本数、已评分数、平均分和合格率（达到合格线 passMark 的比例），最后一行为合计。考核的「答复质量」取同一口径的平均分 ÷ 100。',
        querystring: QaMonthQuery,
        response: { 200: QaReportReply, ...errors },
      },
    },
    async (request) => app.qa.report(request.query.month),
  );

  app.post(
    '/draw',
    {
      preHandler: inspectors,
      schema: {
        ...base,
        summary: '补抽质检样本',
        description:
          '对该月办结而尚无样本的工单（如抽检启用前办结的、批量导入的）按同一规则补抽：同样的工单得到同样的结果，重复执行或多个实例同时执行都不会重复抽取。',
        body: QaMonthQuery,
        response: { 200: QaDrawReply, ...errors },
      },
    },
    async (request) => app.qa.draw(request.body.month),
  );
};

export default qaRoutes;
