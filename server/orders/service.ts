/**
 * The order service (app.orders): every step of an order goes through here. It
 * loads and locks the order, gathers the facts the step depends on, asks the pure
 * core to decide (access, state machine, dispatch targets), and writes the change,
 * its audit event, its side rows and its clocks in one transaction. Routes and jobs
 * call it; they never bundle policies or open transactions themselves.
 */
import type { Database, Sql } from '../../db/client.ts';
import {
  appendOrderEvent,
  decideExtension,
  extensionOf,
  fileExtension,
  hasPendingExtension,
  lockOrderForAction,
  placeOf,
  recordActionEffects,
  unitsById,
  writeOrderChange,
  type Tx,
} from '../../db/queries/actions.ts';
import { voteForAliases } from '../../db/queries/aliases.ts';
import { countCallbackMisses } from '../../db/queries/callbacks.ts';
import { clocksAfter, loadClocks } from '../../db/queries/clocks.ts';
import { kbEntriesInForce } from '../../db/queries/kb.ts';
import { recordKbUses } from '../../db/queries/kb-uses.ts';
import { areaChain, beijingDay } from '../core/knowledge.ts';
import { KNOWLEDGE_TEAM_UNIT } from '../core/lists.ts';
import { maskPhonesIn } from '../core/privacy.ts';
import type { KbService } from '../kb/service.ts';
import { findOrderInPlace, type EventRow, type NewOrder, type OrderRow } from '../../db/queries/orders.ts';
import { checkReply, type ReplyFinding } from '../core/reply-quality.ts';
import { authorize, type Viewer } from '../core/access.ts';
import type { Classifier } from '../core/classify.ts';
import { callbackPolicy, clockStep, supervisionPolicy, type Deadlines } from '../core/deadlines.ts';
import { checkDispatchTarget } from '../core/dispatch.ts';
import { DomainError } from '../core/errors.ts';
import { decide, type ActionFacts, type ActionInput, type EventDraft, type OrderState, type OrderStatus } from '../core/lifecycle.ts';
import { intakeOrder, type Intake } from './intake.ts';
import { objectionFacts, writeObjectionStep } from './objections.ts';
import { learnFromStep } from './training.ts';
import { sampleOnClose } from '../qa/sampling.ts';

export interface OrderServiceDeps {
  db: Database;
  sql: Sql;
  classifier: Classifier;
  deadlines: Deadlines;
  clock: { now(): Date };
  /** The knowledge base: the team's answer to a 知识缺口 becomes a draft entry, in the step's transaction. */
  knowledge: Pick<KbService, 'createDraftFromAnswer'>;
}

export interface ApplyOptions {
  /** null: a citizen or a system job whose standing the caller has already established. */
  viewer: Viewer | null;
  /** Recorded as the event's actor; defaults to the viewer. */
  actor?: string;
  /** When the step happened; now by default (a channel may pass the message's own time). */
  at?: Date;
  /**
   * The caller's own precondition, narrower than the state machine's: checked on
   * the locked row, so two requests that both saw it hold cannot both act.
   */
  onlyFrom?: { status: OrderStatus[]; otherwise: (status: OrderStatus) => DomainError };
  /** A precondition on more than the status, checked on the locked row the same way: the refusal, or null to go on. */
  onlyIf?: (order: OrderRow) => DomainError | null;
}

export interface OrderService {
  apply(ref: string, input: ActionInput, opts: ApplyOptions): Promise<{ order: OrderRow; event: EventRow }>;
  /** 答复质检 before sending: what the checks find in a draft reply, for the one who may send it. */
  checkReply(ref: string, text: string, viewer: Viewer): Promise<ReplyFinding[]>;
  intake(body: NewOrder, opts: Omit<Parameters<typeof intakeOrder>[2], 'at'> & { at?: Date }): Promise<Intake>;
}

export function createOrderService(deps: OrderServiceDeps): OrderService {
  const policy = { returnLimit: deps.classifier.rules.returnLimit, callbackAttempts: callbackPolicy(deps.deadlines.policy).attempts };

  /** What decide needs beyond the order, read in the step's transaction. */
  async function factsFor(tx: Tx, input: ActionInput, order: OrderRow, other: OrderRow | undefined, at: Date): Promise<ActionFacts> {
    // 派单异议: the objection steps' facts, and whether one waits (which refuses the steps that would move the order).
    const objections = await objectionFacts(tx, input, order, at, { rules: deps.classifier.rules, calendar: deps.deadlines.calendar });
    return { ...objections, ...(await stepFacts(tx, input, order, other, at)) };
  }

  async function stepFacts(tx: Tx, input: ActionInput, order: OrderRow, other: OrderRow | undefined, at: Date): Promise<ActionFacts> {
    switch (input.action) {
      case 'dispatch':
      case 'redispatch':
      case 'hand_down':
        return { sender: senderOf(input.action, order) };
      case 'merge':
        return { master: other ? { id: other.id, number: other.number, status: other.status } : null };
      case 'request_extension': {
        const clock = (await loadClocks(tx, order.id)).find((c) => c.kind === input.clock);
        return {
          clock: clock ? { dueAt: clock.dueAt, running: !clock.stoppedAt } : null,
          extensionPending: await hasPendingExtension(tx, order.id, input.clock),
        };
      }
      case 'approve_extension':
      case 'reject_extension': {
        const ext = await extensionOf(tx, order.id, input.extensionId);
        const clock = ext && (await loadClocks(tx, order.id)).find((c) => c.kind === ext.clockKind);
        return {
          extension: ext ? { status: ext.status } : null,
          clock: clock ? { dueAt: clock.dueAt, running: !clock.stoppedAt } : null,
        };
      }
      case 'answer': {
        // Read outside the step's lock: an entry withdrawn this very instant was still in force when read out.
        const ids = [...new Set(input.kbEntryIds ?? [])];
        const usable = await kbEntriesInForce(deps.sql, ids, {
          day: beijingDay(at),
          areas: order.areaCode ? areaChain(order.areaCode) : null,
        });
        return { kbEntriesUnusable: ids.filter((id) => !usable.has(id)) };
      }
      case 'callback_missed':
        // Read under the order's lock: two operators pressing 未接通 at once count two tries, not one twice.
        return { callbackMisses: await countCallbackMisses(tx, order.id, order.repliedAt) };
      case 'reply':
        return { replyFindings: replyFindingsOf(input.text, order, at) };
      case 'supervise':
        // From the locked row: a 督办 committed a moment ago is seen by the one that waited on its lock.
        return {
          supervision: order.supervisedAt
            ? {
                lastAt: order.supervisedAt,
                againAt: deps.deadlines.calendar.add(order.supervisedAt, supervisionPolicy(deps.deadlines.policy).window),
              }
            : null,
        };
      case 'reclassify':
        return { categoryKnown: deps.classifier.rules.routes.has(input.categoryCode), categoryCode: order.categoryCode };
      default:
        return {};
    }
  }

  /** 答复质检: the reply checks of rules/reply-checks.yaml on a reply to this order. */
  function replyFindingsOf(text: string, order: OrderRow, at: Date): ReplyFinding[] {
    const rules = deps.classifier.rules;
    const matter = order.categoryCode ? rules.categories.find((c) => c.code === order.categoryCode) : undefined;
    return checkReply(
      text,
      {
        complaint: order.content,
        matterWords: matter ? matter.keywords.map((k) => k.word) : [],
        citizenPhone: order.citizenPhone,
        today: beijingDay(at),
      },
      rules.replyChecks,
    );
  }

  /** Where the units an action names must stand (pure rules in core/dispatch.ts, fed the units' rows). */
  async function checkUnits(tx: Tx, input: ActionInput, order: OrderRow, event: EventDraft): Promise<void> {
    // 派单/改派/下派, and 异议成立改派: sent afresh from the hotline to the unit the reviewer found responsible.
    const sent =
      input.action === 'dispatch' || input.action === 'redispatch' || input.action === 'hand_down'
        ? { from: senderOf(input.action, order), to: input.unitId }
        : input.action === 'uphold_objection'
          ? { from: 'hotline', to: event.unitId }
          : null;
    if (sent) {
      const { from, to } = sent;
      const info = await unitsById(tx, [from, to]);
      checkDispatchTarget(info.get(from), info.get(to), {
        fromHotline: from === 'hotline',
        negativeRule: deps.classifier.negativeRuleFor(order.categoryCode),
        categoryCode: order.categoryCode,
      });
    }
    if (input.action === 'assign_assist') {
      const info = await unitsById(tx, input.unitIds);
      const missing = input.unitIds.filter((id) => !info.has(id) || info.get(id)!.kind === 'hotline');
      if (missing.length) throw new DomainError('UNKNOWN_UNIT', `承办单位不存在：${missing.join('、')}`, { field: 'unitIds' });
    }
  }

  return {
    apply(ref, input, opts) {
      const at = opts.at ?? deps.clock.now();
      const actor = opts.actor ?? (opts.viewer ? `user:${opts.viewer.userId}` : 'system');
      return deps.db.transaction(async (tx) => {
        const locked = await lockOrderForAction(tx, ref, input.action === 'merge' ? input.masterId : undefined);
        if (!locked) throw new DomainError('ORDER_NOT_FOUND', `工单 ${ref} 不存在`);
        const { order: current, other } = locked;
        if (opts.onlyFrom && !opts.onlyFrom.status.includes(current.status)) throw opts.onlyFrom.otherwise(current.status);
        const refused = opts.onlyIf?.(current);
        if (refused) throw refused;
        const place = await placeOf(tx, current);
        if (opts.viewer) authorize(opts.viewer, input.action, place, ref);
        // Assist steps act for the viewer's own unit.
        if ((input.action === 'assist_claim' || input.action === 'assist_reply') && opts.viewer) input.unitId = opts.viewer.unitId;

        const state: OrderState = {
          id: current.id,
          status: current.status,
          unitPath: current.unitPath,
          dispatchCount: current.dispatchCount,
          returnCount: current.returnCount,
          reopenCount: current.reopenCount,
          urgeCount: current.urgeCount,
          designated: current.designated,
          assists: place.assistRows.map((a) => ({ unitId: a.unitId, status: a.status })),
          satisfaction: current.satisfaction as OrderState['satisfaction'],
        };
        const facts = await factsFor(tx, input, current, other, at);
        const { patch, event } = decide(state, input, at, policy, facts);
        await checkUnits(tx, input, current, event);

        const updated = await writeOrderChange(tx, current.id, patch, at);
        if (input.action === 'request_extension') {
          // Two requests that both saw none pending: the unique key lets one in.
          const id = await fileExtension(tx, current, input, { actor, at });
          if (id === null) throw new DomainError('EXTENSION_PENDING', '该时限已有待审批的延期申请', { field: 'clock' });
          event.payload.extensionId = id;
        }
        if (input.action === 'approve_extension' || input.action === 'reject_extension') {
          const ext = (await extensionOf(tx, current.id, input.extensionId))!;
          await decideExtension(
            tx,
            current,
            ext,
            { approved: input.action === 'approve_extension', note: input.note },
            { actor, at, deadlines: deps.deadlines },
          );
        }
        await writeObjectionStep(tx, input, current, updated, event, { actor, at, rules: deps.classifier.rules });
        const written = await appendOrderEvent(tx, current.id, { at, actor, ...event });
        await recordActionEffects(tx, input, current, updated, other, { actor, at });
        await learnFromStep(tx, input, current, updated, written);
        // 人工质检: the step that closes an order decides its sampling, in its own transaction: exactly once per close.
        if (updated.status === 'closed' && current.status !== 'closed') {
          await sampleOnClose(tx, updated, deps.classifier.rules.qaRubric.sampleShare, at);
        }
        if (input.action === 'answer') {
          await recordKbUses(tx, { eventId: written.id, orderId: current.id, entryIds: [...new Set(input.kbEntryIds ?? [])], at });
        }
        // 知识缺口: what the knowledge team answers the caller is also the first draft of the entry that was missing.
        if (input.action === 'reply' && current.currentUnitId === KNOWLEDGE_TEAM_UNIT) {
          await deps.knowledge.createDraftFromAnswer(tx, {
            title: draftTitleOf(current.content),
            body: input.text,
            categoryCode: current.categoryCode,
            sourceOrderId: current.id,
            actor,
          });
        }
        await clocksAfter(tx, updated, clockStep(input.action, updated.status), at, updated.currentUnitId, deps.deadlines);
        // Where a dispatcher sends an order teaches the names of places in its text (place aliases).
        if (input.action === 'dispatch' || input.action === 'redispatch')
          await voteForAliases(tx, current, input.unitId, { at, votes: deps.classifier.rules.aliasVotes });
        return { order: updated, event: written };
      });
    },

    async checkReply(ref, text, viewer) {
      const found = await findOrderInPlace(deps.db, ref);
      if (!found) throw new DomainError('ORDER_NOT_FOUND', `工单 ${ref} 不存在`);
      // Only the one who may send the reply sees what the checks say of it.
      authorize(viewer, 'reply', found.place, ref);
      return replyFindingsOf(text, found.order, deps.clock.now());
    },

    intake(body, opts) {
      return intakeOrder(deps, body, { ...opts, at: opts.at ?? deps.clock.now() });
    },
  };
}

/** The unit an order is sent from: its holder, or for 改派 the unit that sent it to the holder. */
const senderOf = (action: 'dispatch' | 'redispatch' | 'hand_down', order: OrderRow) =>
  action === 'redispatch' ? order.unitPath[order.unitPath.length - 2]! : order.currentUnitId;

/** A draft's title from the caller's question: its first words, without the numbers people write into it. */
function draftTitleOf(content: string): string {
  const plain = maskPhonesIn(content).replace(/\s+/g, ' ').trim();
  const chars = [...plain];
  return chars.length <= 60 ? plain : `${chars.slice(0, 59).join('')}…`;
}
