/**
 * The order service's part of 派单异议 (server/core/objections.ts decides): the facts
 * the three steps and the steps refused while an objection waits need, and the rows
 * they write beside the order and its event, in the step's transaction.
 */
import { unitsById, type Tx } from '../../db/queries/actions.ts';
import {
  fileObjection,
  hasPendingObjection,
  objectionOf,
  proposeCatalogueChange,
  recordObjectionDecision,
} from '../../db/queries/objections.ts';
import type { OrderRow } from '../../db/queries/orders.ts';
import type { WorkCalendar } from '../core/calendar.ts';
import { DomainError } from '../core/errors.ts';
import type { ActionInput, EventDraft } from '../core/lifecycle.ts';
import { BLOCKED_WHILE_PENDING, catalogueWasWrong, reviewDueAt, type ObjectionFacts } from '../core/objections.ts';
import type { RuleSet } from '../core/rules.ts';

export interface ObjectionDeps {
  rules: RuleSet;
  calendar: WorkCalendar;
}

/** What decide needs of the order's objections for this step (nothing, for most steps). */
export async function objectionFacts(tx: Tx, input: ActionInput, order: OrderRow, at: Date, deps: ObjectionDeps): Promise<ObjectionFacts> {
  switch (input.action) {
    case 'object': {
      const duty = input.dutyUnitId ? (await unitsById(tx, [input.dutyUnitId])).get(input.dutyUnitId) : undefined;
      return {
        objectionPending: await hasPendingObjection(tx, order.id),
        dutyUnitKnown: duty !== undefined && duty.kind !== 'hotline',
        reviewDueAt: reviewDueAt(at, deps.rules.objections, deps.calendar),
        objectionPolicy: deps.rules.objections,
      };
    }
    case 'uphold_objection':
    case 'reject_objection': {
      const row = await objectionOf(tx, order.id, input.objectionId);
      return { objection: row ? { status: row.status, dutyUnitId: row.dutyUnitId } : null };
    }
    default:
      return BLOCKED_WHILE_PENDING.includes(input.action) ? { objectionPending: await hasPendingObjection(tx, order.id) } : {};
  }
}

/**
 * The objection's own rows: filed (its id into the event), or decided; an upheld one
 * where the catalogue named the wrong kind of owner also proposes the change (规则纠错).
 */
export async function writeObjectionStep(
  tx: Tx,
  input: ActionInput,
  before: OrderRow,
  after: OrderRow,
  event: EventDraft,
  opts: { actor: string; at: Date; rules: RuleSet },
): Promise<void> {
  if (input.action === 'object') {
    const dueAt = new Date(event.payload.reviewDueAt as string);
    // Two objections that both saw none pending: the unique key lets one in.
    const id = await fileObjection(tx, before, input, { actor: opts.actor, at: opts.at, dueAt });
    if (id === null) throw new DomainError('OBJECTION_PENDING', '该工单已有待审核的派单异议', { field: 'reasonCode' });
    event.payload.objectionId = id;
    return;
  }
  if (input.action !== 'uphold_objection' && input.action !== 'reject_objection') return;
  const upheld = input.action === 'uphold_objection';
  const note = input.note ?? null;
  await recordObjectionDecision(tx, input.objectionId, { upheld, note, redispatchedUnitId: upheld ? after.currentUnitId : null }, opts);
  if (!upheld || !before.categoryCode) return;
  const info = await unitsById(tx, [before.currentUnitId, after.currentUnitId]);
  if (!catalogueWasWrong(opts.rules.routes.get(before.categoryCode), info.get(before.currentUnitId), info.get(after.currentUnitId))) return;
  await proposeCatalogueChange(tx, {
    objectionId: input.objectionId,
    categoryCode: before.categoryCode,
    fromUnitId: before.currentUnitId,
    toUnitId: after.currentUnitId,
    at: opts.at,
  });
  event.payload.catalogueProposal = true;
}
