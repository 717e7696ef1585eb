/**
 * The quality inspectors' service (app.qa): the samples to score, the score (the
 * sample's row and the order's audit event in one transaction), the month's
 * report, and the on-demand draw of a period's closed orders (server/qa/sampling.ts).
 * The rubric is read at each use, as the rules are swapped whole.
 */
import type { Database } from '../../db/client.ts';
import { appendOrderEvent } from '../../db/queries/actions.ts';
import { inspectionsByUnit, listSamples, lockSample, recordScore, sampleById, type SampleRow } from '../../db/queries/qa.ts';
import { monthSpan } from '../core/assessment.ts';
import type { Viewer } from '../core/access.ts';
import { DomainError } from '../core/errors.ts';
import { decideScore, inspectionReport, type QaRubric, type QaStatus, type UnitInspectionResult } from '../core/qa.ts';
import { drawClosed, type DrawCounts } from './sampling.ts';

export interface QaServiceDeps {
  db: Database;
  clock: { now(): Date };
  rubric(): QaRubric;
}

export interface QaReport {
  month: string;
  passMark: number;
  units: UnitInspectionResult[];
  total: UnitInspectionResult;
}

export interface QaService {
  list(status: QaStatus, limit: number): Promise<SampleRow[]>;
  get(id: number): Promise<SampleRow>;
  score(id: number, input: { items: Record<string, number>; comment: string | null }, viewer: Viewer): Promise<SampleRow>;
  report(month: string): Promise<QaReport>;
  /** Samples the orders closed in the month that have none: those closed before sampling began, or loaded in bulk. */
  draw(month: string): Promise<DrawCounts>;
}

export function createQaService(deps: QaServiceDeps): QaService {
  const get = async (id: number) => {
    const found = await sampleById(deps.db, id);
    if (!found) throw new DomainError('QA_SAMPLE_NOT_FOUND', `质检样本 ${id} 不存在`);
    return found;
  };
  return {
    list: (status, limit) => listSamples(deps.db, { status, limit }),
    get,

    async score(id, input, viewer) {
      const at = deps.clock.now();
      await deps.db.transaction(async (tx) => {
        // Locked: of two inspectors scoring at once, the second finds it scored (409).
        const sample = await lockSample(tx, id);
        if (!sample) throw new DomainError('QA_SAMPLE_NOT_FOUND', `质检样本 ${id} 不存在`);
        const { score, event } = decideScore({ id, ...sample }, input, deps.rubric());
        const by = `user:${viewer.userId}`;
        await recordScore(tx, id, { ...score, comment: input.comment, by, at });
        await appendOrderEvent(tx, sample.orderId, { at, actor: by, ...event });
      });
      return get(id);
    },

    async report(month) {
      return { month, passMark: deps.rubric().passMark, ...inspectionReport(await inspectionsByUnit(deps.db, monthSpan(month))) };
    },

    draw: (month) => drawClosed(deps.db, monthSpan(month), deps.rubric().sampleShare, deps.clock.now()),
  };
}
