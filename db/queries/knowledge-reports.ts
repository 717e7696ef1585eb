/**
 * 直办与知识库报表: how many orders were closed on the call (直办率), by day and by
 * operator; how often a consultation was answered from an entry (知识命中率); the
 * entries read out most; the matters asked about most that no entry answered.
 * Same cohort as db/queries/reports.ts: orders registered in the period, city-wide.
 */
import type { Sql } from '../client.ts';
import { KNOWLEDGE_TEAM_UNIT } from '../../server/core/lists.ts';

export interface Period {
  start: Date;
  end: Date;
}

const registered = (sql: Sql, p: Period) => sql`o.created_at >= ${p.start.toISOString()} and o.created_at < ${p.end.toISOString()}`;

/** Per Beijing day: orders registered, consultations, answered on the call, and of those from an entry. */
export async function directAnswersByDay(sql: Sql, p: Period) {
  return sql<{ day: string; orders: number; consultations: number; answered: number; fromKnowledge: number; gaps: number }[]>`
    with s as (
      select to_char(o.created_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, o.request_type,
        a.id as answer_id, exists (select 1 from order_kb_uses k where k.event_id = a.id) as from_kb,
        exists (select 1 from order_events d where d.order_id = o.id and d.action = 'dispatch' and d.unit_id = ${KNOWLEDGE_TEAM_UNIT}) as gap
      from orders o
        left join lateral (select e.id from order_events e where e.order_id = o.id and e.action = 'answer' limit 1) a on true
      where ${registered(sql, p)} and o.status not in ('merged', 'transferred_out')
    )
    select day, count(*)::int as orders,
      count(*) filter (where request_type = 'consultation')::int as consultations,
      count(answer_id)::int as answered,
      count(*) filter (where from_kb)::int as "fromKnowledge",
      count(*) filter (where gap)::int as gaps
    from s group by day order by day`;
}

/** Per operator: the orders they registered and those they answered on the call. */
export async function directAnswersByOperator(sql: Sql, p: Period) {
  return sql<{ userId: number; username: string; displayName: string; orders: number; answered: number; fromKnowledge: number }[]>`
    with made as (
      select o.id, c.actor, a.id as answer_id, a.actor as answered_by
      from orders o
        join lateral (select e.actor from order_events e where e.order_id = o.id and e.action = 'create' limit 1) c on true
        left join lateral (select e.id, e.actor from order_events e where e.order_id = o.id and e.action = 'answer' limit 1) a on true
      where ${registered(sql, p)} and o.status not in ('merged', 'transferred_out')
    ), per as (
      select actor, count(*)::int as orders, 0 as answered, 0 as from_kb from made group by actor
      union all
      select answered_by, 0, count(*)::int, count(*) filter (where exists (select 1 from order_kb_uses k where k.event_id = answer_id))::int
      from made where answer_id is not null group by answered_by
    )
    select u.id as "userId", u.username, u.display_name as "displayName",
      sum(per.orders)::int as orders, sum(per.answered)::int as answered, sum(per.from_kb)::int as "fromKnowledge"
    from per join users u on per.actor = 'user:' || u.id
    group by u.id order by answered desc, orders desc, u.username`;
}

/** The entries read out most often in the period (by when they were read). */
export async function mostUsedKbEntries(sql: Sql, p: Period, limit: number) {
  return sql<{ entryId: number; title: string; uses: number; orders: number }[]>`
    select k.entry_id::int as "entryId", e.title, count(*)::int as uses, count(distinct k.order_id)::int as orders
    from order_kb_uses k join kb_entries e on e.id = k.entry_id
    where k.at >= ${p.start.toISOString()} and k.at < ${p.end.toISOString()}
    group by k.entry_id, e.title order by uses desc, k.entry_id limit ${limit}`;
}

/**
 * 知识缺口: consultations registered in the period that no entry answered (not
 * answered on the call from one), by matter, most asked first, with the latest texts.
 */
export async function unansweredConsultations(sql: Sql, p: Period, limit: number) {
  return sql<{ categoryCode: string | null; count: number; examples: string[] }[]>`
    with s as (
      select o.id, o.category_code, o.content, o.created_at
      from orders o
      where ${registered(sql, p)} and o.request_type = 'consultation' and o.status not in ('merged', 'transferred_out')
        and not exists (select 1 from order_kb_uses k where k.order_id = o.id)
    )
    select category_code as "categoryCode", count(*)::int as count,
      (array_agg(left(content, 120) order by created_at desc))[1:3] as examples
    from s group by category_code order by count desc, category_code nulls last limit ${limit}`;
}
