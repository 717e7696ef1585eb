/**
 * The reports of the page, one definition each: which API report, the extra
 * parameters, the chart drawn from its rows and the table's columns. Labels are the
 * core's and the schemas'; rates are 0–1 from the API, shown as percentages.
 */
import type { ReportParams, ReportReplies } from '../shared/api.ts';
import { percent, type Series } from '../shared/charts/index.ts';

export interface Filters {
  from: string;
  to: string;
  unit: string;
  requestType: string;
}

export interface Column<R> {
  label: string;
  value: (row: R) => string | number;
  width?: number;
  numeric?: boolean;
}

export interface ChartData {
  categories: string[];
  series: Series[];
  percent?: boolean;
  horizontal?: boolean;
}

export interface ReportDef<K extends keyof ReportReplies = keyof ReportReplies> {
  id: string;
  api: K;
  title: string;
  /** One line under the title: what the figures count. */
  note: string;
  /** 直办 and the knowledge reports are city-wide: no unit, no request type. */
  cityWide?: boolean;
  params(f: Filters): ReportParams;
  chart(body: ReportReplies[K]): ChartData;
  columns: Column<ReportReplies[K]['rows'][number]>[];
}

const SCOPE: Record<string, string> = { self: '本单位', child: '下级单位', total: '合计' };

/** The column makers of one row type, so that each column's function is typed by its report's rows. */
export interface Cols<R> {
  text(label: string, value: (r: R) => string, width?: number): Column<R>;
  count(label: string, value: (r: R) => number): Column<R>;
  rate(label: string, value: (r: R) => number | null): Column<R>;
}
const cols = <R>(): Cols<R> => ({
  text: (label, value, width) => ({ label, value, width }),
  count: (label, value) => ({ label, value, numeric: true }),
  rate: (label, value) => ({ label, value: (r) => percent(value(r)), numeric: true }),
});
const unitCols = <R extends { unitName: string; scope: string }>(c: Cols<R>): Column<R>[] => [
  c.text('单位', (r) => r.unitName, 200),
  c.text('范围', (r) => SCOPE[r.scope] ?? r.scope, 80),
];
const period = (f: Filters): ReportParams => ({ from: f.from, to: f.to });
const scoped = (f: Filters): ReportParams => ({ ...period(f), unit: f.unit, requestType: f.requestType || undefined });
/** Chart rows: the units below (and the unit's own work), not the total. */
const unitsOf = <R extends { scope: string }>(rows: R[]) => rows.filter((r) => r.scope !== 'total');

type Rows<K extends keyof ReportReplies> = ReportReplies[K]['rows'][number];
/** A report written with its own row type, listed with the others. */
const def = <K extends keyof ReportReplies>(d: Omit<ReportDef<K>, 'columns'> & { columns: (c: Cols<Rows<K>>) => Column<Rows<K>>[] }) =>
  ({ ...d, columns: d.columns(cols<Rows<K>>()) }) as unknown as ReportDef;

export const REPORTS: ReportDef[] = [
  def({
    id: 'rates',
    api: 'rates',
    title: '三率',
    note: '响应率 = 已签收 / 工单量，解决率 = 已办结 / 工单量，满意率 = 满意（含基本满意）/ 参评；工单计入现承办单位。',
    params: scoped,
    chart: (b) => {
      const rows = unitsOf(b.rows);
      return {
        categories: rows.map((r) => r.unitName),
        percent: true,
        series: [
          { name: '响应率', data: rows.map((r) => r.responseRate) },
          { name: '解决率', data: rows.map((r) => r.resolutionRate) },
          { name: '满意率', data: rows.map((r) => r.satisfactionRate) },
        ],
      };
    },
    columns: (c) => [
      ...unitCols(c),
      c.count('工单量', (r) => r.received),
      c.count('已响应', (r) => r.responded),
      c.count('已办结', (r) => r.resolved),
      c.count('参评', (r) => r.rated),
      c.count('满意', (r) => r.satisfied),
      c.rate('响应率', (r) => r.responseRate),
      c.rate('解决率', (r) => r.resolutionRate),
      c.rate('满意率', (r) => r.satisfactionRate),
    ],
  }),
  def({
    id: 'on-time',
    api: 'onTime',
    title: '按时率',
    note: '每张工单每项时限一条：按时 / (按时 + 超时完成 + 超期未完成)；图为各单位全部时限合计。',
    params: scoped,
    chart: (b) => {
      const rows = unitsOf(b.rows).filter((r) => r.clock === 'all');
      return { categories: rows.map((r) => r.unitName), percent: true, series: [{ name: '按时率', data: rows.map((r) => r.onTimeRate) }] };
    },
    columns: (c) => [
      ...unitCols(c),
      c.text('时限', (r) => r.clockLabel, 100),
      c.count('按时', (r) => r.onTime),
      c.count('超时完成', (r) => r.late),
      c.count('超期未完成', (r) => r.overdue),
      c.count('计时中', (r) => r.running),
      c.rate('按时率', (r) => r.onTimeRate),
    ],
  }),
  def({
    id: 'returns',
    api: 'returns',
    title: '退单与重办',
    note: '退单率 = 退单工单数 / 派入工单数，重办率 = 重办工单数 / 派入工单数。',
    params: scoped,
    chart: (b) => {
      const rows = unitsOf(b.rows);
      return {
        categories: rows.map((r) => r.unitName),
        percent: true,
        series: [
          { name: '退单率', data: rows.map((r) => r.returnRate) },
          { name: '重办率', data: rows.map((r) => r.reopenRate) },
        ],
      };
    },
    columns: (c) => [
      ...unitCols(c),
      c.count('派入工单', (r) => r.dispatchedOrders),
      c.count('退单次数', (r) => r.returns),
      c.count('退单工单', (r) => r.returnedOrders),
      c.rate('退单率', (r) => r.returnRate),
      c.count('重办次数', (r) => r.reopens),
      c.count('重办工单', (r) => r.reopenedOrders),
      c.rate('重办率', (r) => r.reopenRate),
    ],
  }),
  def({
    id: 'objections',
    api: 'objections',
    title: '派单异议',
    note: '异议计入提出异议的单位；派单准确率 = 1 − 异议成立的工单 / 派入工单。',
    params: scoped,
    chart: (b) => {
      const rows = unitsOf(b.rows);
      return {
        categories: rows.map((r) => r.unitName),
        percent: true,
        series: [{ name: '派单准确率', data: rows.map((r) => r.accuracy) }],
      };
    },
    columns: (c) => [
      ...unitCols(c),
      c.count('派入工单', (r) => r.dispatchedOrders),
      c.count('提出异议', (r) => r.objections),
      c.count('异议成立', (r) => r.upheld),
      c.count('异议不成立', (r) => r.rejected),
      c.count('审核中', (r) => r.pending),
      c.rate('派单准确率', (r) => r.accuracy),
    ],
  }),
  ...(['category', 'area'] as const).map((by) =>
    def({
      id: `top-${by}`,
      api: 'top',
      title: by === 'category' ? '热点事项' : '热点街道',
      note: by === 'category' ? '期间内登记、现由本单位或下级承办的工单，按事项分类排名。' : '按诉求发生地所在的街道/乡镇排名。',
      params: (f) => ({ ...scoped(f), by, limit: 15, ...(by === 'area' ? { level: 'street' } : {}) }),
      chart: (b) => ({
        categories: b.rows.map((r) => r.name),
        horizontal: true,
        series: [{ name: '工单量', data: b.rows.map((r) => r.count) }],
      }),
      columns: (c) => [
        c.count('排名', (r) => r.rank),
        c.text(by === 'category' ? '事项' : '街道/乡镇', (r) => r.name, 260),
        c.count('工单量', (r) => r.count),
        c.rate('占比', (r) => r.share),
      ],
    }),
  ),
  def({
    id: 'intake',
    api: 'intake',
    title: '分时来件',
    note: '所选期间最后一天按登记小时计数，与上周同一天对比。',
    params: (f) => ({ day: f.to, unit: f.unit, requestType: f.requestType || undefined }),
    chart: (b) => ({
      categories: b.rows.map((r) => `${r.hour}时`),
      series: [
        { name: b.day, type: 'line', data: b.rows.map((r) => (b.currentHour !== null && r.hour > b.currentHour ? null : r.today)) },
        { name: `上周同日 ${b.weekAgo}`, type: 'line', dashed: true, data: b.rows.map((r) => r.weekAgo) },
      ],
    }),
    columns: (c) => [
      c.text('小时', (r) => `${String(r.hour).padStart(2, '0')}:00`, 90),
      c.count('当日', (r) => r.today),
      c.count('上周同日', (r) => r.weekAgo),
    ],
  }),
  def({
    id: 'overdue',
    api: 'overdue',
    title: '超期在办',
    note: '此刻仍在计时且已过时限的时限（不论登记日期），按超期时长。',
    params: (f) => ({ unit: f.unit, requestType: f.requestType || undefined }),
    chart: (b) => ({
      categories: b.rows.map((r) => r.clockLabel),
      series: [
        { name: '不足1小时', stack: 'o', color: '#e0a020', data: b.rows.map((r) => r.underHour) },
        { name: '1小时至1天', stack: 'o', color: '#e06a20', data: b.rows.map((r) => r.underDay) },
        { name: '1天以上', stack: 'o', color: '#c0392b', data: b.rows.map((r) => r.overDay) },
      ],
    }),
    columns: (c) => [
      c.text('时限', (r) => r.clockLabel, 120),
      c.count('不足1小时', (r) => r.underHour),
      c.count('1小时至1天', (r) => r.underDay),
      c.count('1天以上', (r) => r.overDay),
      c.count('合计', (r) => r.total),
    ],
  }),
  def({
    id: 'direct',
    api: 'direct',
    title: '直办率',
    note: '全市：直办率 = 当场答复办结 / 登记工单，知识命中率 = 依据知识条目答复 / 咨询。',
    cityWide: true,
    params: period,
    chart: (b) => ({
      categories: b.rows.map((r) => r.day ?? ''),
      percent: true,
      series: [
        { name: '直办率', type: 'line', data: b.rows.map((r) => r.directRate) },
        { name: '知识命中率', type: 'line', data: b.rows.map((r) => r.knowledgeHitRate) },
      ],
    }),
    columns: (c) => [
      c.text('日期', (r) => r.day ?? '', 120),
      c.count('登记工单', (r) => r.orders),
      c.count('咨询', (r) => r.consultations ?? 0),
      c.count('直办', (r) => r.answered),
      c.count('依据知识条目', (r) => r.fromKnowledge),
      c.count('知识缺口', (r) => r.gaps ?? 0),
      c.rate('直办率', (r) => r.directRate),
      c.rate('知识命中率', (r) => r.knowledgeHitRate),
    ],
  }),
  def({
    id: 'kb-entries',
    api: 'kbEntries',
    title: '常用知识',
    note: '全市：期间内直接答复引用最多的知识条目。',
    cityWide: true,
    params: (f) => ({ ...period(f), limit: 15 }),
    chart: (b) => ({
      categories: b.rows.map((r) => r.title),
      horizontal: true,
      series: [{ name: '引用次数', data: b.rows.map((r) => r.uses) }],
    }),
    columns: (c) => [
      c.count('排名', (r) => r.rank),
      c.text('条目', (r) => r.title, 320),
      c.count('引用次数', (r) => r.uses),
      c.count('工单数', (r) => r.orders),
    ],
  }),
  def({
    id: 'kb-gaps',
    api: 'kbGaps',
    title: '知识缺口',
    note: '全市：没有知识条目答复的咨询，按事项分类。',
    cityWide: true,
    params: (f) => ({ ...period(f), limit: 15 }),
    chart: (b) => ({
      categories: b.rows.map((r) => r.categoryName),
      horizontal: true,
      series: [{ name: '咨询量', data: b.rows.map((r) => r.count) }],
    }),
    columns: (c) => [
      c.count('排名', (r) => r.rank),
      c.text('事项', (r) => r.categoryName, 200),
      c.count('咨询量', (r) => r.count),
      c.text('最近诉求', (r) => r.examples.join(' / '), 420),
    ],
  }),
];
