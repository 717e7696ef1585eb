/**
 * 日报 / 周报: the figures of a period [start, end) for the whole city, and the kept
 * reports. Intake, matters and places count the orders registered (created_at) in
 * the period; answers, overdue stages and ratings count what happened in it
 * (order_events.at); hotspots count the alerts raised in it.
 */
import type { Sql } from '../client.ts';
import type { DailyFigures, DailyReport, PeriodKind } from '../../server/core/daily-report.ts';
import { stageAction } from '../../server/core/deadlines.ts';
import type { Channel, RequestType } from '../../server/core/lists.ts';
import type { HotspotState } from '../../server/core/hotspots.ts';
import { AREA_DIGITS } from './reports.ts';

export interface Span {
  start: Date;
  end: Date;
}

const registered = (sql: Sql, s: Span) => sql`o.created_at >= ${s.start.toISOString()} and o.created_at < ${s.end.toISOString()}`;
const happened = (sql: Sql, s: Span) => sql`e.at >= ${s.start.toISOString()} and e.at < ${s.end.toISOString()}`;

/** 受理量: orders registered in the period by channel and 诉求类型, every order however it ended. */
export async function intakeByChannelAndType(sql: Sql, s: Span): Promise<DailyFigures['intake']> {
  const rows = await sql<{ channel: Channel; requestType: RequestType; count: number }[]>`
    select o.channel, o.request_type as "requestType", count(*)::int as count
    from orders o where ${registered(sql, s)}
    group by 1, 2 order by 1, 2`;
  return [...rows];
}

/** 直接答复: orders the operator answered on the call (直办) in the period. */
export async function directAnswerCount(sql: Sql, s: Span): Promise<number> {
  const [r] = await sql<{ n: number }[]>`
    select count(distinct e.order_id)::int as n from order_events e where e.action = 'answer' and ${happened(sql, s)}`;
  return r!.n;
}

/** 事项排名: the matters (category codes) most registered in the period. */
export async function topMatterCounts(sql: Sql, s: Span, limit: number): Promise<DailyFigures['topMatters']> {
  const rows = await sql<{ code: string; count: number }[]>`
    select o.category_code as code, count(*)::int as count
    from orders o where ${registered(sql, s)} and o.category_code is not null
    group by 1 order by 2 desc, 1 limit ${limit}`;
  return [...rows];
}

/** 区域排名: the streets (街道/乡镇, the first nine digits of the area code) most registered in the period. */
export async function topStreetCounts(sql: Sql, s: Span, limit: number): Promise<DailyFigures['topPlaces']> {
  const digits = AREA_DIGITS.street;
  const rows = await sql<{ code: string; name: string | null; count: number }[]>`
    select g.code, a.name, g.count from (
      select left(o.area_code, ${digits}) as code, count(*)::int as count
      from orders o where ${registered(sql, s)} and length(o.area_code) >= ${digits}
      group by 1
    ) g left join areas a on a.code = g.code
    order by g.count desc, g.code limit ${limit}`;
  return [...rows];
}

/** 热点预警 raised in the period, in the order they were raised, as they stand now. */
export async function hotspotsRaised(sql: Sql, s: Span): Promise<DailyFigures['hotspots']> {
  const rows = await sql<
    { id: string; areaCode: string; areaName: string | null; matterCode: string; orderCount: number; state: HotspotState; raisedAt: Date }[]
  >`
    select h.id, h.area_code as "areaCode", a.name as "areaName", h.matter_code as "matterCode",
      h.order_count as "orderCount", h.state, h.raised_at as "raisedAt"
    from hotspot_alerts h left join areas a on a.code = h.area_code
    where h.raised_at >= ${s.start.toISOString()} and h.raised_at < ${s.end.toISOString()}
    order by h.raised_at, h.id`;
  return rows.map((r) => ({ ...r, id: Number(r.id), raisedAt: new Date(r.raisedAt).toISOString() }));
}

/** 超期: the sweeper's 红灯超期 stage fired in the period, per unit holding the clock, most first. */
export async function overdueByUnit(sql: Sql, s: Span): Promise<DailyFigures['overdueByUnit']> {
  const rows = await sql<{ unitId: string; unitName: string | null; count: number }[]>`
    select e.unit_id as "unitId", u.name as "unitName", count(*)::int as count
    from order_events e left join units u on u.id = e.unit_id
    where e.action = ${stageAction('overdue')} and e.unit_id is not null and ${happened(sql, s)}
    group by 1, 2 order by 3 desc, 1`;
  return [...rows];
}

/**
 * 回访满意度 of the ratings given in the period, with the definitions of 报表's 满意率
 * (db/queries/reports.ts rateCounts): a rating is 满意 or 基本满意 given on closing or
 * afterwards (rate), or a 重办, which counts as 不满意.
 */
export async function ratingsGiven(sql: Sql, s: Span): Promise<DailyFigures['ratings']> {
  const [r] = await sql<DailyFigures['ratings'][]>`
    with v as (
      select case when e.action = 'reopen' then 'unsatisfied' else e.payload->>'satisfaction' end as verdict
      from order_events e
      where e.action in ('close', 'rate', 'reopen') and ${happened(sql, s)}
    )
    select count(*) filter (where verdict = 'satisfied')::int as satisfied,
      count(*) filter (where verdict = 'basically_satisfied')::int as "basicallySatisfied",
      count(*) filter (where verdict = 'unsatisfied')::int as unsatisfied
    from v`;
  return r!;
}

/** A kept report of a period, if one was made. */
export async function findStoredReport(sql: Sql, kind: PeriodKind, firstDay: string): Promise<DailyReport | undefined> {
  const [r] = await sql<{ body: DailyReport | string }[]>`select body from daily_reports where kind = ${kind} and first_day = ${firstDay}`;
  if (!r) return undefined;
  return typeof r.body === 'string' ? (JSON.parse(r.body) as DailyReport) : r.body;
}

/** Keep a report; if another instance kept one first, that one stands and is returned. */
export async function storeReport(sql: Sql, report: DailyReport): Promise<{ report: DailyReport; stored: boolean }> {
  const inserted = await sql`
    insert into daily_reports (kind, first_day, generated_at, body)
    values (${report.kind}, ${report.firstDay}, ${report.generatedAt}, ${JSON.stringify(report)}::jsonb)
    on conflict (kind, first_day) do nothing
    returning 1`;
  const kept = await findStoredReport(sql, report.kind, report.firstDay);
  return { report: kept!, stored: inserted.length > 0 };
}
