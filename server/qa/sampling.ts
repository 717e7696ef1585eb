/**
 * 人工质检's sampling. An order is considered when it closes, in the transaction of
 * the step that closes it (办结, 直办, the last unanswered callback): so every closed
 * order is considered exactly once, and a sample exists exactly when its close does.
 * (An order answered as it is logged, 直办 at intake, is sampled just after the
 * statement that creates it: see server/orders/intake.ts.)
 * `drawClosed` considers again the orders closed in a period with no sample (those
 * closed before sampling began, or loaded in bulk): the same facts give the same
 * decision, and the order's unique key keeps a rerun, or two at once, from sampling
 * an order twice.
 */
import { closedUnsampled, closeFacts, insertSamples, type NewSample } from '../../db/queries/qa.ts';
import type { Tx } from '../../db/queries/actions.ts';
import type { Database } from '../../db/client.ts';
import { QA_REASONS, sampleReason, type QaReason } from '../core/qa.ts';

/** The order as it stands after the closing step. */
export async function sampleOnClose(
  tx: Tx | Database,
  order: { id: number; currentUnitId: string; reopenCount: number },
  sampleShare: number,
  at: Date,
): Promise<QaReason | null> {
  const facts = await closeFacts(tx, order.id);
  // Every 重办 records 不满意 (the citizen's, or the callback's on the citizen's word).
  const reason = sampleReason({ orderId: order.id, flagged: facts.flagged, dissatisfied: order.reopenCount > 0 }, sampleShare);
  if (reason) await insertSamples(tx, [{ orderId: order.id, reason, unitId: order.currentUnitId, replyEventId: facts.replyEventId }], at);
  return reason;
}

export interface DrawCounts {
  /** Closed in the period with no sample when the draw began. */
  considered: number;
  /** Of those, the ones chosen, by reason. */
  chosen: Record<QaReason, number>;
  /** Samples this draw wrote: fewer than chosen when another draw (or close) wrote some first. */
  sampled: number;
}

/** The orders closed in [start, end) that have no sample yet, sampled as their close would have. */
export async function drawClosed(db: Database, span: { start: Date; end: Date }, sampleShare: number, at: Date): Promise<DrawCounts> {
  const candidates = await closedUnsampled(db, span);
  const chosen: NewSample[] = candidates.flatMap((c) => {
    const reason = sampleReason(c, sampleShare);
    return reason ? [{ orderId: c.orderId, reason, unitId: c.unitId, replyEventId: c.replyEventId }] : [];
  });
  const counts = Object.fromEntries(QA_REASONS.map((r) => [r, 0])) as Record<QaReason, number>;
  for (const s of chosen) counts[s.reason]++;
  let sampled = 0;
  // In batches: a month of a large city is a few hundred thousand closed orders.
  for (let i = 0; i < chosen.length; i += 5000) sampled += await insertSamples(db, chosen.slice(i, i + 5000), at);
  return { considered: candidates.length, chosen: counts, sampled };
}
