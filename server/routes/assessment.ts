/**
 * 考核 under /api/reports: a month's scores and ranks per group of units, as JSON
 * or as CSV. For supervisors and admins: an assessment ranks units against each
 * other, so it is read whole, not cut to one's subtree. Definitions in assessment.schema.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { monthAssessment } from '../reports/assessment.ts';
import { toCsv } from './reports.schema.ts';
import { csvColumns, schemas } from './assessment.schema.ts';

/** RFC 5987 for filename*: encodeURIComponent leaves ' ( ) * as they are. */
const extValue = (name: string) => encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const assessmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const readers = app.requireUser(['supervisor', 'admin']);
  const weights = app.classifier.rules.assessmentWeights;

  app.get('/assessment', { preHandler: readers, schema: schemas.json }, async (request) =>
    monthAssessment(app.sql, weights, request.query.month, app.clock.now()),
  );

  app.get('/assessment.csv', { preHandler: readers, schema: schemas.csv }, async (request, reply) => {
    const { month, groups } = await monthAssessment(app.sql, weights, request.query.month, app.clock.now());
    const rows = groups.flatMap((g) => g.units.map((u) => ({ ...u, level: g.level })));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="assessment_${month}.csv"; filename*=UTF-8''${extValue(`考核_${month}.csv`)}`)
      .send(toCsv(csvColumns, rows));
  });
};

export default assessmentRoutes;
