/**
 * 直办与知识库报表 under /api/reports: 直办率 by day and operator, the entries read
 * out most, and the consultations no entry answered (知识缺口). City-wide, for the
 * hotline's desk and its knowledge team.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  directAnswersByDay,
  directAnswersByOperator,
  mostUsedKbEntries,
  unansweredConsultations,
} from '../../db/queries/knowledge-reports.ts';
import { isCityWide, type Viewer } from '../core/access.ts';
import { DomainError } from '../core/errors.ts';
import { maskPhonesIn } from '../core/privacy.ts';
import { period, ratio, sendReport } from '../http/report-reply.ts';
import { csvColumns, schemas } from './knowledge-reports.schema.ts';

const CITY = { id: 'hotline', name: '全市' };

function allowed(viewer: Viewer): void {
  if (!isCityWide(viewer) && !viewer.roles.some((r) => r === 'kb_admin' || r === 'kb_editor')) {
    throw new DomainError('FORBIDDEN', '直办与知识库报表为全市报表，仅热线中心和知识库人员可查看');
  }
}

const knowledgeReports: FastifyPluginAsyncTypebox = async (app) => {
  const head = (q: { from: string; to: string }) => ({ unit: CITY, from: q.from, to: q.to, at: app.clock.now().toISOString() });

  app.get('/direct', { preHandler: app.requireUser(), schema: schemas.direct }, async (request, reply) => {
    allowed(request.viewer!);
    const q = request.query;
    const p = period(q.from, q.to);
    if (q.by === 'operator') {
      const rows = (await directAnswersByOperator(app.sql, p)).map((r) => ({
        ...r,
        directRate: ratio(r.answered, r.orders),
        knowledgeHitRate: ratio(r.fromKnowledge, r.answered),
      }));
      return sendReport(
        request,
        reply,
        { key: 'direct_by_operator', title: '直办率_按话务员' },
        { ...head(q), rows },
        csvColumns.directByOperator,
      );
    }
    const rows = (await directAnswersByDay(app.sql, p)).map((r) => ({
      ...r,
      directRate: ratio(r.answered, r.orders),
      knowledgeHitRate: ratio(r.fromKnowledge, r.consultations),
    }));
    return sendReport(request, reply, { key: 'direct_by_day', title: '直办率_按日' }, { ...head(q), rows }, csvColumns.directByDay);
  });

  app.get('/kb-entries', { preHandler: app.requireUser(), schema: schemas.entries }, async (request, reply) => {
    allowed(request.viewer!);
    const q = request.query;
    const rows = (await mostUsedKbEntries(app.sql, period(q.from, q.to), q.limit)).map((r, i) => ({ rank: i + 1, ...r }));
    return sendReport(request, reply, { key: 'kb_entries', title: '知识条目引用排名' }, { ...head(q), rows }, csvColumns.entries);
  });

  app.get('/kb-gaps', { preHandler: app.requireUser(), schema: schemas.gaps }, async (request, reply) => {
    allowed(request.viewer!);
    const q = request.query;
    const rows = (await unansweredConsultations(app.sql, period(q.from, q.to), q.limit)).map((r, i) => ({
      rank: i + 1,
      categoryCode: r.categoryCode,
      categoryName: (r.categoryCode && app.classifier.rules.matterNames.get(r.categoryCode)) || '未分类',
      count: r.count,
      // The texts are the citizens' own words: numbers they wrote into them are masked.
      examples: r.examples.map((t) => maskPhonesIn(t)),
    }));
    return sendReport(request, reply, { key: 'kb_gaps', title: '知识缺口' }, { ...head(q), rows }, csvColumns.gaps);
  });
};

export default knowledgeReports;
