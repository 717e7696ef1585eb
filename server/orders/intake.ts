/**
 * 登记 from any channel: classify by the rules, fill in what the submitter did not
 * say, and let a confident result dispatch itself (智能派单), all in the statement
 * that creates the order.
 */
import type { Sql } from '../../db/client.ts';
import { DomainError } from '../core/errors.ts';
import { createOrder, requestHash, type Actor, type NewOrder, type OrderRow } from '../../db/queries/orders.ts';
import type { Classifier } from '../core/classify.ts';
import { planIntake, type ActionFacts, type IntakeRoute } from '../core/lifecycle.ts';
import { kbEntriesInForce } from '../../db/queries/kb.ts';
import { areaChain, beijingDay } from '../core/knowledge.ts';
import { KNOWLEDGE_TEAM_UNIT, REQUEST_TYPE_LABELS } from '../core/lists.ts';
import { applyClockEffects, type Clock, type ClockContext } from '../core/deadlines.ts';
import { clockRow, loadClocks, urgencyClassOf } from '../../db/queries/clocks.ts';
import type { Database } from '../../db/client.ts';
import { oneTimeNotice } from './notice.ts';
import { hashQueryCode, newQueryCode } from './query-code.ts';
import type { Deadlines } from '../plugins/deadlines.ts';
import { observe } from '../observe.ts';
import { sampleOnClose } from '../qa/sampling.ts';

export interface Intake {
  order: OrderRow;
  created: boolean;
  /**
   * The one-time notice (一次性告知) for the citizen. When this call created the
   * order it gives the 查询码, the only time it exists in clear; a repeat cannot.
   */
  notice: string;
}

export async function intakeOrder(
  deps: { sql: Sql; db: Database; classifier: Classifier; deadlines: Deadlines },
  body: NewOrder,
  opts: {
    actor: Actor;
    at: Date;
    idempotencyKey?: string | null;
    /** Whose key space `idempotencyKey` is in: the actor's by default, so a desk user's is `user:<id>`. */
    idempotencyScope?: string;
    inbound?: unknown;
  },
): Promise<Intake> {
  const { classifier } = deps;
  if (body.categoryCode && !classifier.rules.routes.has(body.categoryCode)) {
    throw new DomainError('UNKNOWN_CATEGORY', `事项分类 ${body.categoryCode} 不在事项目录（rules/matters/）中`, { field: 'categoryCode' });
  }
  if (body.areaCode && !classifier.places.get(body.areaCode)) {
    throw new DomainError('UNKNOWN_AREA', `行政区划代码 ${body.areaCode} 不在已加载的区划中`, { field: 'areaCode' });
  }
  const c = observe.classify.traceSync(() => classifier.classify(body.content, body.locationText), { sql: deps.sql });
  const requestType = body.requestType ?? c.requestType.code;
  if (body.knowledgeGap && requestType !== 'consultation') {
    throw new DomainError(
      'KNOWLEDGE_GAP_NOT_CONSULTATION',
      `只有咨询类诉求可以作为知识缺口转知识库组，本诉求为「${REQUEST_TYPE_LABELS[requestType]}」`,
      {
        field: 'knowledgeGap',
      },
    );
  }
  if (body.knowledgeGap && body.answer) {
    throw new DomainError('VALIDATION_FAILED', '已当场答复的咨询不是知识缺口：answer 与 knowledgeGap 只能选一个', {
      field: 'knowledgeGap',
    });
  }
  // What a person chose is not second-guessed by an automatic dispatch.
  const overridden = Boolean(body.categoryCode || body.areaCode);
  const route: IntakeRoute | null = body.answer
    ? { kind: 'answer', ...body.answer }
    : body.knowledgeGap
      ? { kind: 'knowledge_gap', unitId: KNOWLEDGE_TEAM_UNIT }
      : c.autoDispatch && !overridden
        ? { kind: 'classifier', unitId: c.unit!.id }
        : null;
  const plan = planIntake(route, opts.at, await answerFacts(deps.sql, body.answer, body.areaCode ?? c.area?.code ?? null, opts.at));
  // The clocks of the first steps (登记, and 受理 and 派单 when the rules dispatched it).
  const ctx: ClockContext = {
    ...deps.deadlines,
    urgencyClass: urgencyClassOf({ urgency: body.urgency ?? c.urgency, classification: c }),
    categoryCode: body.categoryCode ?? c.category.code,
    requestType,
  };
  const clocks = new Map<string, Clock>();
  for (const action of ['create', ...plan.events.map((e) => e.action)]) {
    for (const k of applyClockEffects([...clocks.values()], action, opts.at, ctx)) clocks.set(k.kind, k);
  }
  const holder = plan.state.unitPath[plan.state.unitPath.length - 1]!;
  // Drawn for every submission; a repeat that finds its order keeps that order's code and forgets this one.
  const queryCode = newQueryCode();
  const { order, created } = await createOrder(
    deps.sql,
    {
      ...body,
      categoryCode: body.categoryCode ?? c.category.code,
      urgency: body.urgency ?? c.urgency,
      requestType,
      areaCode: body.areaCode ?? c.area?.code ?? null,
      classification: c as unknown as Record<string, unknown>,
    },
    {
      idempotencyKey: opts.idempotencyKey,
      idempotencyScope: opts.idempotencyScope,
      inbound: opts.inbound ?? body,
      // The digest of what was submitted, not of what the rules made of it.
      requestHash: requestHash(body),
      actor: opts.actor,
      at: opts.at,
      plan,
      planActor: { id: 'system:classifier' },
      clocks: [...clocks.values()].map((k) => clockRow(0, k, holder, deps.deadlines)),
      queryCodeHash: hashQueryCode(queryCode),
    },
  );
  if (created) observe.orderCreated.publish({ sql: deps.sql, channel: order.channel });
  // 人工质检 of an order answered as it was logged (直办): right after the creating statement, which is one
  // statement of its own and cannot take the sample in; should the service stop between the two, the
  // on-demand draw (POST /api/qa/draw) samples it alike, as it would have been.
  if (created && order.status === 'closed') await sampleOnClose(deps.db, order, classifier.rules.qaRubric.sampleShare, opts.at);
  // A new order's clocks are the ones just written; a repeat reads what was stored.
  const notice = created
    ? noticeFrom(order, deps.deadlines, clocks.get('resolve')?.dueAt ?? null, queryCode)
    : await noticeFor({ db: deps.db, deadlines: deps.deadlines }, order);
  return { order, created, notice };
}

function noticeFrom(order: OrderRow, deadlines: Deadlines, resolveDue: Date | null, queryCode: string | null): string {
  return oneTimeNotice(order, { policy: deadlines.policy, resolveDue, urgencyClass: urgencyClassOf(order) }, queryCode);
}

/**
 * The notice again for an order already there (a retried submission), from its
 * stored resolution clock (or the policy, before acceptance); without the code,
 * which is not kept in clear.
 */
async function noticeFor(app: { db: Database; deadlines: Deadlines }, order: OrderRow): Promise<string> {
  const resolve = (await loadClocks(app.db, order.id)).find((c) => c.kind === 'resolve');
  return noticeFrom(order, app.deadlines, resolve?.dueAt ?? null, null);
}

/**
 * 直办 at intake: the entries the answer reads out must be published and in force for
 * the caller's area, as for an answer given later (server/orders/service.ts).
 */
async function answerFacts(sql: Sql, answer: NewOrder['answer'], areaCode: string | null, at: Date): Promise<ActionFacts> {
  const ids = [...new Set(answer?.kbEntryIds ?? [])];
  if (!ids.length) return {};
  const areas = areaCode ? areaChain(areaCode) : null;
  const usable = await kbEntriesInForce(sql, ids, { day: beijingDay(at), areas });
  return { kbEntriesUnusable: ids.filter((id) => !usable.has(id)) };
}
