/** 一次性告知: tell the citizen once, completely, what happens next and by when. */
import type { OrderRow } from '../../db/queries/orders.ts';
import type { Duration } from '../core/calendar.ts';
import { durationFor, type UrgencyClass } from '../core/deadlines.ts';
import { KNOWLEDGE_TEAM_UNIT, type RequestType } from '../core/lists.ts';
import type { DeadlinePolicy } from '../rules/deadlines-schema.ts';

const UNIT_WORDS: Record<Duration['unit'], string> = {
  minutes: '分钟',
  hours: '小时',
  days: '天',
  working_days: '个工作日',
  working_hours: '个工作小时',
};

/** The last moment before `due`, as a Beijing calendar date: a deadline of 24:00 is "that day". */
function beijingDate(due: Date): string {
  const d = new Date(due.getTime() - 1 + 8 * 3600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/**
 * How the citizen follows the order. The 查询码 is given only by the notice of the
 * submission that created the order (`queryCode`); a repeat's notice says so rather
 * than show it, since only its hash is kept. Orders from before query codes (no
 * hash) cannot be tracked online at all: the last four digits of a phone were
 * guessable and are no longer accepted, so their citizens ask the hotline.
 */
function howToFollow(order: OrderRow, queryCode: string | null): string {
  const follow = '您可以凭工单编号和查询码查询办理进度，并在答复后进行评价。';
  if (queryCode) return `您的查询码是 ${queryCode}，只告知这一次，请妥善保存。${follow}`;
  if (order.queryCodeHash) return `查询码已在首次登记时告知，系统不保存查询码，无法再次显示。${follow}`;
  return '如需了解办理进度，请拨打12345热线。';
}

/** The promise of the notice: the deadline of the request's type (诉求类型). */
function whenAnswered(order: OrderRow, d: Duration | null, resolveDue: Date | null): string {
  const who = order.currentUnitId === KNOWLEDGE_TEAM_UNIT ? '热线知识库组' : '承办单位';
  if (!d) return REQUEST_TYPE_PROMISES[order.requestType] ?? '我们将把您的意见转达相关单位。';
  const span = `${d.amount}${UNIT_WORDS[d.unit]}`;
  const verb = order.requestType === 'consultation' ? '答复您的咨询' : '答复您';
  return resolveDue ? `${who}将在${span}内、即${beijingDate(resolveDue)}前${verb}。` : `受理后，${who}将在${span}内${verb}。`;
}

/** What the notice says of a kind of request that keeps no resolution clock. */
const REQUEST_TYPE_PROMISES: Partial<Record<RequestType, string>> = {
  praise: '感谢您的肯定，我们将把您的表扬转达被表扬的单位和个人。',
  suggestion: '感谢您的建议，我们将转交相关单位研究参考。',
};

export function oneTimeNotice(
  order: OrderRow,
  deadlines: { policy: DeadlinePolicy; resolveDue: Date | null; urgencyClass: UrgencyClass },
  queryCode: string | null,
): string {
  const transfer = (order.classification as { transfer?: string } | null)?.transfer;
  const where =
    transfer === '110'
      ? '您反映的情况属于公安机关职责，我们将立即转接110处理。'
      : transfer === 'beijing' || transfer === 'hebei'
        ? `您反映的事项发生在${transfer === 'beijing' ? '北京市' : '河北省'}，我们将转至当地12345热线办理。`
        : order.currentUnitId === KNOWLEDGE_TEAM_UNIT
          ? '您咨询的问题暂时无法当场答复，已转热线知识库组查询。'
          : order.status === 'dispatched'
            ? '您的诉求已转交承办单位办理。'
            : '我们将尽快受理，并转交承办单位办理。';
  const urgent = order.urgency === 'urgent' ? '您反映的是紧急事项，承办单位将第一时间签收处置。' : '';
  const d = durationFor(deadlines.policy, 'resolve', deadlines.urgencyClass, order.categoryCode ?? undefined, order.requestType);
  const by = whenAnswered(order, d, deadlines.resolveDue);
  // 直办: answered on the call; what is left is the rating.
  if (order.status === 'closed')
    return `您的咨询已登记并当场答复，工单编号 ${order.number}，本工单已办结。${howToFollow(order, queryCode)}`;
  return `您的诉求已登记，工单编号 ${order.number}。${where}${urgent}${by}${howToFollow(order, queryCode)}`;
}
