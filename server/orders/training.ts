/**
 * What an order step teaches the text model (issue 14): a dispatcher's 改分类 is a
 * labelled example of the new category; an order sent on again after a 退单 for
 * 不属本单位管辖 / 区域错误 is an example of the unit and area it went to at last, and
 * so is an order re-dispatched on an upheld objection (派单异议成立: the reviewer found
 * the unit responsible).
 * Written in the step's own transaction, so an example exists exactly when its
 * step does; the trainer job picks it up on its next round.
 */
import { dropOrderExamples, lastReturnReason, unitArea, writeExample } from '../../db/queries/training.ts';
import type { Tx } from '../../db/queries/actions.ts';
import type { EventRow, OrderRow } from '../../db/queries/orders.ts';
import type { ActionInput, ReturnReason } from '../core/lifecycle.ts';

/** Returns that say the order was sent to the wrong place, not that it was wrong in itself. */
const MISROUTED: ReturnReason[] = ['not_our_jurisdiction', 'wrong_area'];
/** training_examples.text holds at most this much (its CHECK). */
const MAX_TEXT = 4000;

export async function learnFromStep(tx: Tx, input: ActionInput, before: OrderRow, after: OrderRow, event: EventRow): Promise<void> {
  const text = before.content.slice(0, MAX_TEXT);
  if (input.action === 'reclassify') {
    await writeExample(
      tx,
      {
        key: `correction:${event.id}`,
        source: 'correction',
        text,
        categoryCode: input.categoryCode,
        areaCode: after.areaCode,
        orderId: after.id,
      },
      event.at,
    );
    return;
  }
  if (!after.categoryCode) return;
  const upheld = input.action === 'uphold_objection';
  if (!upheld) {
    if (input.action !== 'dispatch' || before.status !== 'returned') return;
    const reason = await lastReturnReason(tx, before.id);
    if (!MISROUTED.includes(reason as ReturnReason)) return;
  }
  const unitId = after.currentUnitId;
  // Only the last place it went to is an example: an earlier re-dispatch of the order gives way.
  await dropOrderExamples(tx, after.id, 'redispatch');
  await writeExample(
    tx,
    {
      key: `redispatch:${event.id}`,
      source: 'redispatch',
      text,
      categoryCode: after.categoryCode,
      unitId,
      areaCode: (await unitArea(tx, unitId)) ?? after.areaCode,
      orderId: after.id,
    },
    event.at,
  );
}
