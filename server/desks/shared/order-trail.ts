/**
 * What an order's trail (痕迹) says, in words: the step's name and every reason it
 * carries (退单 with its coded reason, 延期 with the date asked, 协办 with the units,
 * 催办 and 督办 with their notes), from the core's own tables.
 */
import { CLOCK_LABELS, STAGE_LABELS, stageOfAction, type ClockKind } from '../../core/deadlines.ts';
import { ACTION_LABELS, RETURN_REASON_LABELS, RETURN_REASONS, type ReturnReason } from '../../core/lifecycle.ts';
import { OBJECTION_REASON_LABELS, OBJECTION_REASONS, type ObjectionReason } from '../../core/objections.ts';
import type { OrderEventView } from './api.ts';
import { formatTime } from './format.ts';

export { OBJECTION_REASON_LABELS, OBJECTION_REASONS, RETURN_REASON_LABELS, RETURN_REASONS };

const OTHER_STEPS: Record<string, string> = {
  create: '登记',
  phone_viewed: '查看电话',
  deadline_extended: '时限已延期',
  hotspot: '热点预警',
  qa_score: '质检评分',
};

export function stepName(action: string): string {
  const stage = stageOfAction(action);
  if (stage) return STAGE_LABELS[stage];
  return (ACTION_LABELS as Record<string, string>)[action] ?? OTHER_STEPS[action] ?? '其他操作';
}

const clockName = (kind: unknown) =>
  typeof kind === 'string' ? ((CLOCK_LABELS as Record<string, string>)[kind as ClockKind] ?? '时限') : '时限';

/** The lines under a step: its coded reason, its dates and units, then its free text (reason, note, reply). */
export function stepDetails(e: OrderEventView, unitName: (id: string) => string): string[] {
  const p = e.payload;
  const lines: string[] = [];
  switch (e.action) {
    case 'return': {
      const code = p.reasonCode as ReturnReason | undefined;
      lines.push(`退单原因：${(code && RETURN_REASON_LABELS[code]) || '未注明'}`);
      if (p.escalatedToDispatcher) lines.push('退单已达上限，交热线中心指定承办');
      break;
    }
    case 'object': {
      const code = p.reasonCode as ObjectionReason | undefined;
      lines.push(`异议理由：${(code && OBJECTION_REASON_LABELS[code]) || '未注明'}`);
      if (typeof p.dutyUnitId === 'string') lines.push(`所引职责单位：${unitName(p.dutyUnitId)}`);
      if (typeof p.dutyBasis === 'string') lines.push(`职责依据：${p.dutyBasis}`);
      if (typeof p.reviewDueAt === 'string') lines.push(`审核时限：${formatTime(p.reviewDueAt)}`);
      break;
    }
    case 'uphold_objection':
      if (typeof p.replacedUnitId === 'string') lines.push(`异议成立，由 ${unitName(p.replacedUnitId)} 改派 ${unitName(e.unitId ?? '')}`);
      if (p.catalogueProposal) lines.push('已提出派单目录修改建议');
      break;
    case 'reject_objection':
      lines.push('异议不成立，指定由本单位承办');
      break;
    case 'request_extension':
      lines.push(`申请「${clockName(p.clock)}」延至 ${formatTime(p.requestedDueAt as string)}`);
      break;
    case 'deadline_extended':
      lines.push(`「${clockName(p.clock)}」由 ${formatTime(p.oldDueAt as string)} 延至 ${formatTime(p.newDueAt as string)}`);
      break;
    case 'assign_assist':
      if (Array.isArray(p.unitIds)) lines.push(`协办单位：${p.unitIds.map((u) => unitName(String(u))).join('、')}`);
      break;
    case 'assist_claim':
    case 'assist_reply':
      if (typeof p.assistUnitId === 'string') lines.push(`协办单位：${unitName(p.assistUnitId)}`);
      break;
    case 'qa_score':
      if (typeof p.total === 'number') lines.push(`质检得分：${p.total} 分（${p.passed ? '合格' : '不合格'}）`);
      break;
    case 'supplement':
      if (p.attachmentUrl) lines.push('补充了附件（见上方附件）');
      break;
  }
  if (e.reason) lines.push(e.action === 'reply' || e.action === 'assist_reply' ? `答复：${e.reason}` : e.reason);
  return lines;
}

export interface Attachment {
  url: string;
  at: string;
  image: boolean;
}

/** Pictures and files the citizen sent after the complaint (补充材料, e.g. a WeChat photo). */
export function attachmentsOf(events: OrderEventView[]): Attachment[] {
  return events
    .filter((e) => e.action === 'supplement' && typeof e.payload.attachmentUrl === 'string')
    .map((e) => {
      const url = e.payload.attachmentUrl as string;
      return { url, at: e.at, image: /qpic\.cn\/|\.(jpe?g|png|gif|webp)(\?|$)/i.test(url) };
    });
}

/** The step that reopened the order last, and the reply given before it. */
export function reopenContext(events: OrderEventView[]): { reason: string | null; at: string; earlierReply: string | null } | null {
  let reopenIndex = -1;
  events.forEach((e, i) => e.action === 'reopen' && (reopenIndex = i));
  if (reopenIndex < 0) return null;
  const reopen = events[reopenIndex]!;
  const reply = events
    .slice(0, reopenIndex)
    .filter((e) => e.action === 'reply')
    .pop();
  return { reason: reopen.reason, at: reopen.at, earlierReply: reply?.reason ?? null };
}
