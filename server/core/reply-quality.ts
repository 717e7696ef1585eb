/**
 * 答复质检: the checks a reply to a citizen passes before it is sent, as pure
 * functions of the reply, the order and the rules (rules/reply-checks.yaml). A
 * finding warns; the handler may still send with a reason, and both are recorded
 * in the reply's event (the state machine's `reply` step).
 */
import { maskPhone } from './access.ts';

/** The checks, in the order a handler reads their findings. */
export const REPLY_CHECKS = ['too_short', 'boilerplate_only', 'no_action', 'personal_data', 'off_matter', 'past_promise'] as const;
export type ReplyCheck = (typeof REPLY_CHECKS)[number];

export const REPLY_CHECK_LABELS: Record<ReplyCheck, string> = {
  too_short: '答复过短',
  boilerplate_only: '只有套话',
  no_action: '未说明办理措施或结果',
  personal_data: '含他人电话或身份证号',
  off_matter: '未回应诉求事项',
  past_promise: '承诺的日期已过',
};

/** rules/reply-checks.yaml as the core reads it. */
export interface ReplyCheckRules {
  minLength: number;
  boilerplate: string[];
  minSubstance: number;
  actionWords: string[];
  promiseAfter: string[];
}

export interface ReplyFinding {
  check: ReplyCheck;
  /** What is wrong, in the handler's words. */
  message: string;
}

export interface ReplyContext {
  /** The citizen's complaint. */
  complaint: string;
  /** The words of the order's matter (the taxonomy's keywords); empty when it has none. */
  matterWords: string[];
  /** The citizen's own number: the one phone number a reply may name. */
  citizenPhone: string | null;
  /** Today in Beijing, YYYY-MM-DD: a promised date before it is already broken. */
  today: string;
}

const NOISE = /[\s\p{P}\p{S}]/gu;
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const ID_NUMBER = /(?<![\dXx])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dXx])/g;
const HAN_PAIR = /[\p{Script=Han}]{2}/u;
/** Two characters shared by nearly every complaint and reply, which say nothing of the matter. */
const COMMON_PAIRS = new Set([
  '问题',
  '反映',
  '情况',
  '我们',
  '您的',
  '工作',
  '处理',
  '已经',
  '进行',
  '相关',
  '部门',
  '单位',
  '市民',
  '来电',
  '诉求',
  '目前',
  '现在',
  '没有',
  '一个',
  '这个',
  '时间',
  '可以',
  '需要',
  '联系',
  '希望',
  '请求',
  '要求',
  '社区',
  '街道',
]);

/** The findings of every check on a reply: empty when it passes them all. */
export function checkReply(text: string, ctx: ReplyContext, rules: ReplyCheckRules): ReplyFinding[] {
  const findings: ReplyFinding[] = [];
  const plain = text.replace(NOISE, '');
  if (plain.length < rules.minLength) {
    findings.push({
      check: 'too_short',
      message: `答复只有 ${plain.length} 个字，至少 ${rules.minLength} 个字才能说清查明的情况和办理结果`,
    });
  }
  const substance = withoutBoilerplate(plain, rules.boilerplate);
  // Only when set phrases were there: a reply short of its own is told so above.
  if (substance.length < plain.length && substance.length < rules.minSubstance) {
    findings.push({ check: 'boilerplate_only', message: '答复除客套话外没有实质内容' });
  }
  if (!rules.actionWords.some((w) => substance.includes(w))) {
    findings.push({ check: 'no_action', message: '答复没有说明已做或将做什么（如「已…」「经核实…」「将于…」）' });
  }
  const others = personalNumbers(text, ctx.citizenPhone);
  if (others.length) {
    findings.push({ check: 'personal_data', message: `答复中有他人的个人信息：${others.join('、')}` });
  }
  if (!addressesMatter(substance, ctx)) {
    findings.push({ check: 'off_matter', message: '答复没有提到诉求所说的事项' });
  }
  const past = brokenPromises(text, ctx.today, rules.promiseAfter);
  if (past.length) {
    findings.push({ check: 'past_promise', message: `答复承诺的日期已经过去：${past.join('、')}` });
  }
  return findings;
}

function withoutBoilerplate(plain: string, phrases: string[]): string {
  let rest = plain;
  // Longest first: 您反映的问题已收悉 goes whole before 已收悉 could leave 您反映的问题 behind.
  for (const p of [...phrases].sort((a, b) => b.length - a.length)) rest = rest.split(p.replace(NOISE, '')).join('');
  return rest;
}

/** Mobile numbers other than the citizen's own, and identity card numbers, masked for the message. */
function personalNumbers(text: string, citizenPhone: string | null): string[] {
  const own = citizenPhone?.replace(/\D/g, '').slice(-11);
  const phones = [...text.matchAll(MOBILE)].map((m) => m[0]).filter((n) => n !== own);
  const ids = [...text.matchAll(ID_NUMBER)].map((m) => `${m[0].slice(0, 6)}********${m[0].slice(-4)}`);
  return [...new Set([...phones.map((p) => maskPhone(p) ?? p), ...ids])];
}

/** The reply names the matter (one of its words), or shares a telling pair of characters with the complaint. */
function addressesMatter(substance: string, ctx: ReplyContext): boolean {
  if (ctx.matterWords.some((w) => w.length > 1 && substance.includes(w))) return true;
  const pairs = telling(ctx.complaint.replace(NOISE, ''));
  // A complaint with nothing telling to compare against cannot be missed.
  if (pairs.size === 0) return true;
  for (const p of telling(substance)) if (pairs.has(p)) return true;
  return false;
}

function telling(text: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 2 <= text.length; i++) {
    const pair = text.slice(i, i + 2);
    if (HAN_PAIR.test(pair) && !COMMON_PAIRS.has(pair)) out.add(pair);
  }
  return out;
}

const FULL_DATE = /(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*[日号]?/g;
const MONTH_DAY = /(?<![\d年\-/.])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/g;

/** Dates the reply promises something by (a date followed by 前/完成/…) that are before today. */
function brokenPromises(text: string, today: string, promiseAfter: string[]): string[] {
  const [year, month] = today.split('-').map(Number) as [number, number];
  const found: string[] = [];
  const consider = (m: RegExpMatchArray, y: number, mo: number, d: number) => {
    const after = text.slice(m.index! + m[0].length, m.index! + m[0].length + 4);
    if (!promiseAfter.some((w) => after.startsWith(w))) return;
    const day = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    if (day < today) found.push(m[0]);
  };
  for (const m of text.matchAll(FULL_DATE)) consider(m, Number(m[1]), Number(m[2]), Number(m[3]));
  for (const m of text.matchAll(MONTH_DAY)) {
    const mo = Number(m[1]);
    // A month named without a year is this year's, or next year's when it is far behind us (一月 said in December).
    const y = mo < month - 6 ? year + 1 : year;
    consider(m, y, mo, Number(m[2]));
  }
  return found;
}
