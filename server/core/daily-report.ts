/**
 * 日报 / 周报 (pure): the period a report covers in Beijing time, whether it is
 * over, the report's shape and Chinese labels, and its CSV rows. The figures are
 * counted in db/queries/daily-reports.ts; the service (server/reports/daily.ts)
 * stores a report only once its period is over, so that it reads the same later.
 */
import { CHANNEL_LABELS, CHANNELS, REQUEST_TYPE_LABELS, REQUEST_TYPES, type Channel, type RequestType } from './lists.ts';
import { HOTSPOT_STATE_LABELS, type HotspotState } from './hotspots.ts';

export const PERIOD_KINDS = ['day', 'week'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];
export const PERIOD_KIND_LABELS: Record<PeriodKind, string> = { day: '日报', week: '周报' };

const DAY_MS = 86_400_000;
/** China has kept UTC+8 all year since 1991: a Beijing day is a fixed UTC span. */
const OFFSET_MS = 8 * 3_600_000;

export interface Period {
  kind: PeriodKind;
  /** Beijing calendar days, YYYY-MM-DD, both included. */
  firstDay: string;
  lastDay: string;
  /** [start, end) as instants: the first day's Beijing midnight and the one after the last day. */
  start: Date;
  end: Date;
}

/** A real calendar day written YYYY-MM-DD (2026-13-01 and 2026-02-30 are not). */
export function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/** The Beijing calendar day an instant falls on. */
export const beijingDay = (at: Date): string => new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);

/** Beijing midnight starting `day`. */
export const dayStart = (day: string): Date => new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** The Monday of the week (Monday–Sunday) holding `day`. */
export function mondayOf(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** The day, or the week Monday–Sunday holding it. */
export function periodOf(kind: PeriodKind, day: string): Period {
  const firstDay = kind === 'day' ? day : mondayOf(day);
  const lastDay = kind === 'day' ? day : addDays(firstDay, 6);
  return { kind, firstDay, lastDay, start: dayStart(firstDay), end: dayStart(addDays(lastDay, 1)) };
}

/** The Beijing day before the one `now` falls on: what the morning job reports. */
export const yesterdayOf = (now: Date): string => addDays(beijingDay(now), -1);

/** Over once its last day has ended in Beijing; only then are its figures final enough to keep. */
export const isOver = (period: Period, now: Date): boolean => now.getTime() >= period.end.getTime();

// ——— The figures, as counted, and the report made of them ———

export interface DailyFigures {
  intake: { channel: Channel; requestType: RequestType; count: number }[];
  directAnswers: number;
  topMatters: { code: string; count: number }[];
  topPlaces: { code: string; name: string | null; count: number }[];
  hotspots: {
    id: number;
    areaCode: string;
    areaName: string | null;
    matterCode: string;
    orderCount: number;
    state: HotspotState;
    raisedAt: string;
  }[];
  overdueByUnit: { unitId: string; unitName: string | null; count: number }[];
  ratings: { satisfied: number; basicallySatisfied: number; unsatisfied: number };
  missedCalls: { missedCalls: number; tasks: number; calledBack: number; calledBackOnTime: number; reached: number; open: number };
}

export const SECTION_TITLES = {
  summary: '概况',
  byChannel: '受理量（按渠道）',
  byRequestType: '受理量（按诉求类型）',
  intake: '受理量（渠道 × 诉求类型）',
  topMatters: '事项排名（前十）',
  topPlaces: '区域排名（街道/乡镇，前十）',
  hotspots: '热点预警',
  overdue: '超期（按承办单位）',
  satisfaction: '回访满意度',
  missedCalls: '漏接回拨',
} as const;

type Ranked = { rank: number; code: string; name: string; count: number };

export interface DailyReport {
  kind: PeriodKind;
  title: string;
  firstDay: string;
  lastDay: string;
  generatedAt: string;
  /** The period is not over: computed now, not kept, and its figures will still grow. */
  provisional: boolean;
  sections: typeof SECTION_TITLES;
  summary: { intake: number; directAnswers: number; directAnswerRate: number | null; overdue: number; hotspots: number };
  byChannel: { channel: Channel; label: string; count: number }[];
  byRequestType: { requestType: RequestType; label: string; count: number }[];
  intake: { channel: Channel; channelLabel: string; requestType: RequestType; requestTypeLabel: string; count: number }[];
  topMatters: Ranked[];
  topPlaces: Ranked[];
  hotspots: {
    areaCode: string;
    areaName: string;
    matterCode: string;
    matterName: string;
    orderCount: number;
    state: HotspotState;
    stateLabel: string;
    raisedAt: string;
  }[];
  overdueByUnit: { unitId: string; unitName: string; count: number }[];
  satisfaction: { rated: number; satisfied: number; basicallySatisfied: number; unsatisfied: number; rate: number | null };
  missedCalls: DailyFigures['missedCalls'];
}

const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);
const sum = (xs: { count: number }[]) => xs.reduce((n, x) => n + x.count, 0);

export function reportTitle(period: Period): string {
  return period.kind === 'day' ? `12345热线日报（${period.firstDay}）` : `12345热线周报（${period.firstDay}至${period.lastDay}）`;
}

/** The report of a period from its figures; category names come from the rules, unknown codes keep the code. */
export function buildReport(
  period: Period,
  f: DailyFigures,
  matterNames: ReadonlyMap<string, string>,
  at: { generatedAt: Date; provisional: boolean },
): DailyReport {
  const matter = (code: string) => matterNames.get(code) ?? code;
  const total = sum(f.intake);
  const rated = f.ratings.satisfied + f.ratings.basicallySatisfied + f.ratings.unsatisfied;
  const rank = (rows: { code: string; name: string; count: number }[]) => rows.map((r, i) => ({ rank: i + 1, ...r }));
  return {
    kind: period.kind,
    title: reportTitle(period),
    firstDay: period.firstDay,
    lastDay: period.lastDay,
    generatedAt: at.generatedAt.toISOString(),
    provisional: at.provisional,
    sections: SECTION_TITLES,
    summary: {
      intake: total,
      directAnswers: f.directAnswers,
      directAnswerRate: ratio(f.directAnswers, total),
      overdue: sum(f.overdueByUnit),
      hotspots: f.hotspots.length,
    },
    byChannel: CHANNELS.map((channel) => ({
      channel,
      label: CHANNEL_LABELS[channel],
      count: sum(f.intake.filter((c) => c.channel === channel)),
    })),
    byRequestType: REQUEST_TYPES.map((requestType) => ({
      requestType,
      label: REQUEST_TYPE_LABELS[requestType],
      count: sum(f.intake.filter((c) => c.requestType === requestType)),
    })),
    intake: f.intake.map((c) => ({
      ...c,
      channelLabel: CHANNEL_LABELS[c.channel],
      requestTypeLabel: REQUEST_TYPE_LABELS[c.requestType],
    })),
    topMatters: rank(f.topMatters.map((m) => ({ code: m.code, name: matter(m.code), count: m.count }))),
    topPlaces: rank(f.topPlaces.map((p) => ({ code: p.code, name: p.name ?? p.code, count: p.count }))),
    hotspots: f.hotspots.map((h) => ({
      areaCode: h.areaCode,
      areaName: h.areaName ?? h.areaCode,
      matterCode: h.matterCode,
      matterName: matter(h.matterCode),
      orderCount: h.orderCount,
      state: h.state,
      stateLabel: HOTSPOT_STATE_LABELS[h.state],
      raisedAt: h.raisedAt,
    })),
    overdueByUnit: f.overdueByUnit.map((u) => ({ unitId: u.unitId, unitName: u.unitName ?? u.unitId, count: u.count })),
    satisfaction: { rated, ...f.ratings, rate: ratio(f.ratings.satisfied + f.ratings.basicallySatisfied, rated) },
    missedCalls: f.missedCalls,
  };
}

export interface CsvRow {
  section: string;
  item: string;
  value: string | number | null;
}

export const CSV_HEADERS = { section: '栏目', item: '项目', value: '数值' } as const;

const percent = (rate: number | null) => (rate === null ? null : `${(rate * 100).toFixed(2)}%`);
/** A Beijing wall-clock time for people: 2026-12-01 09:30. */
const beijingTime = (iso: string) => new Date(Date.parse(iso) + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');

/** The report as (section, item, value) rows: one table a spreadsheet reads whatever the sections hold. */
export function csvRows(r: DailyReport): CsvRow[] {
  const s = SECTION_TITLES;
  const row = (section: string, item: string, value: string | number | null): CsvRow => ({ section, item, value });
  return [
    row(s.summary, '报表', r.title),
    row(s.summary, '生成时间', beijingTime(r.generatedAt)),
    ...(r.provisional ? [row(s.summary, '说明', '统计期间尚未结束，数字为临时数')] : []),
    row(s.summary, '受理量', r.summary.intake),
    row(s.summary, '直接答复', r.summary.directAnswers),
    row(s.summary, '直接答复率', percent(r.summary.directAnswerRate)),
    row(s.summary, '超期次数', r.summary.overdue),
    row(s.summary, '热点预警', r.summary.hotspots),
    ...r.byChannel.map((c) => row(s.byChannel, c.label, c.count)),
    ...r.byRequestType.map((c) => row(s.byRequestType, c.label, c.count)),
    ...r.intake.map((c) => row(s.intake, `${c.channelLabel}·${c.requestTypeLabel}`, c.count)),
    ...r.topMatters.map((m) => row(s.topMatters, `${m.rank}. ${m.name}`, m.count)),
    ...r.topPlaces.map((p) => row(s.topPlaces, `${p.rank}. ${p.name}`, p.count)),
    ...r.hotspots.map((h) => row(s.hotspots, `${h.areaName}·${h.matterName}（${h.stateLabel}，${beijingTime(h.raisedAt)}）`, h.orderCount)),
    ...r.overdueByUnit.map((u) => row(s.overdue, u.unitName, u.count)),
    row(s.satisfaction, '参评', r.satisfaction.rated),
    row(s.satisfaction, '满意', r.satisfaction.satisfied),
    row(s.satisfaction, '基本满意', r.satisfaction.basicallySatisfied),
    row(s.satisfaction, '不满意', r.satisfaction.unsatisfied),
    row(s.satisfaction, '满意率', percent(r.satisfaction.rate)),
    row(s.missedCalls, '漏接来电', r.missedCalls.missedCalls),
    row(s.missedCalls, '回拨任务', r.missedCalls.tasks),
    row(s.missedCalls, '已回拨', r.missedCalls.calledBack),
    row(s.missedCalls, '按时回拨', r.missedCalls.calledBackOnTime),
    row(s.missedCalls, '已接通', r.missedCalls.reached),
    row(s.missedCalls, '待回拨', r.missedCalls.open),
  ];
}
