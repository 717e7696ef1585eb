/**
 * The plan of the generated year, one row per order, in SQL (generate_series and
 * random choices): when it came, from where, about what, and when each step of its
 * life happened or will happen. Orders and their events, clocks and calls are then
 * written from this plan (year-rows.ts), so that they agree with each other.
 *
 * A step later than `now` has not happened yet: the order stops there, which makes
 * the recent orders the open ones. A few orders are stuck for good (never claimed,
 * never answered): they are the old red lights of the boards.
 */
import type { Sql } from '../../db/client.ts';

export interface PlanParams {
  orders: number;
  /** Beijing midnight 365 days before today. */
  start: Date;
  now: Date;
  /** Days from `start` to `now`, in units of the day's intake (today counts as its share so far). */
  dayUnits: number;
  places: number;
  categories: number;
}

/** Hotline calls by Beijing hour: quiet at night, peaks mid-morning and mid-afternoon. */
export const HOURLY = [0.5, 0.3, 0.2, 0.2, 0.2, 0.4, 1, 2.5, 5, 7.5, 8, 7.5, 5.5, 6, 7, 7, 6.5, 5.5, 4.5, 4, 3.5, 3, 2, 1];

/** Seconds into the Beijing day at each 1/1000 of the day's intake (inverse of the hourly distribution). */
export function inverseDay(): number[] {
  const total = HOURLY.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  let hour = 0;
  let below = 0;
  for (let k = 0; k <= 1000; k++) {
    const target = (k / 1000) * total;
    while (hour < 23 && below + HOURLY[hour]! < target) below += HOURLY[hour++]!;
    out.push(Math.min(86_400, (hour + (target - below) / HOURLY[hour]!) * 3600));
  }
  return out;
}

/** Share of a day's intake that has come by `seconds` into the Beijing day. */
export function dayShare(seconds: number): number {
  const total = HOURLY.reduce((a, b) => a + b, 0);
  const h = Math.floor(seconds / 3600);
  return (HOURLY.slice(0, h).reduce((a, b) => a + b, 0) + (HOURLY[h] ?? 0) * (seconds / 3600 - h)) / total;
}

/** pg_temp functions: the creation instant and number of order `i`, so a merge can name its master. */
export async function planFunctions(sql: Sql, p: PlanParams): Promise<void> {
  await sql`drop table if exists year_day`;
  await sql`create temp table year_day as select ${inverseDay()}::float8[] as inv`;
  // The instant at share x of the year's intake: day floor(x), then the share of that day through the hourly curve.
  await sql.unsafe(`
    create or replace function pg_temp.year_at(x float8, inv float8[]) returns timestamptz language sql immutable as $$
      select '${p.start.toISOString()}'::timestamptz + make_interval(days => floor(x)::int)
        + make_interval(secs => inv[1 + floor((x - floor(x)) * 1000)::int]
          + ((x - floor(x)) * 1000 - floor((x - floor(x)) * 1000)) * (inv[2 + floor((x - floor(x)) * 1000)::int] - inv[1 + floor((x - floor(x)) * 1000)::int]))
    $$`);
  await sql.unsafe(`
    create or replace function pg_temp.year_t0(i bigint) returns timestamptz language sql stable as $$
      select pg_temp.year_at(((i - 1)::float8 / ${p.orders}) * ${p.dayUnits}, (select inv from year_day))
    $$`);
  await sql.unsafe(`
    create or replace function pg_temp.year_number(i bigint, t0 timestamptz) returns text language sql immutable as $$
      select '12345-' || to_char(t0 at time zone 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad((i % 1000000)::text, 6, '0')
    $$`);
}

const secs = (expr: string) => `make_interval(secs => ${expr})`;
const INF = `'infinity'::timestamptz`;

/** Writes `year_plan` (temporary) for orders a..b. */
export async function writePlan(sql: Sql, p: PlanParams, a: number, b: number): Promise<void> {
  const now = `'${p.now.toISOString()}'::timestamptz`;
  await sql`drop table if exists year_plan`;
  const text = `
    create temp table year_plan as
    with r as (
      select i, pg_temp.year_at(((i - 1)::float8 / ${p.orders}) * ${p.dayUnits}, '{${inverseDay().join(',')}}'::float8[]) as t0,
        random() as rc, random() as rt, random() as rk, 1 + floor(random() * ${p.places})::int as pn, random() as rf,
        random() as ru, random() as rp, random() as rr, random() as rs, random() as rx, random() as co, random() as sv,
        random() as ug, random() as pv, floor(power(random(), 1.6) * ${Math.ceil(p.orders * 0.45)})::bigint as caller,
        -ln(1 - random()) as e1, -ln(1 - random()) as e2, -ln(1 - random()) as e3, -ln(1 - random()) as e4,
        -ln(1 - random()) as e5, -ln(1 - random()) as e6, -ln(1 - random()) as e7, -ln(1 - random()) as e8,
        -ln(1 - random()) as e9
      from generate_series(${a}::bigint, ${b}::bigint) as i
    ), c as (
      select r.*, pl.community, pl.street, pl.district, pl.cname, pl.sname, pl.dname,
        k.code as cat, k.owner, k.dept, k.ex, k.template,
        case when rc < .68 then 'phone' when rc < .80 then 'wechat' when rc < .90 then 'web' when rc < .96 then 'app'
          when rc < .985 then 'open311' when rc < .995 then 'email' else 'other' end as channel,
        case when rt < .42 then 'complaint' when rt < .72 then 'consultation' when rt < .88 then 'help' when rt < .93 then 'report'
          when rt < .97 then 'suggestion' when rt < .985 then 'praise' else 'other' end as rtype,
        case when ru < .01 then 'danger' when ru < .02 then 'outage' else 'normal' end as uclass
      from r
        join year_places pl on pl.n = r.pn
        join year_cats k on k.n = 1 + floor(${p.categories} * power(r.rk, 2.2))::int
    ), f as (
      select c.*,
        case when i > 200 and rf < .025 then 'merged' when rf < .035 then 'transferred'
          when rtype = 'consultation' and rs < .55 then 'answered' else 'dispatched' end as fate,
        rx < .35 as auto, rr < .06 as returned,
        case when co < .08 then 1 when co < .10 then 3 else 0 end as miss,
        co >= .10 and co < .13 as reopen,
        case when sv < .80 then 'satisfied' else 'basically_satisfied' end as sat,
        case owner when 'street' then street when 'community' then community when 'district' then district
          when 'district_department' then district || ':' || dept else '120000:' || dept end as u1,
        case when owner = 'district' then street else district end as u2,
        ${secs('1800 + e7 * 40000')} as g
      from c
    ), t as (
      select f.*,
        t0 + case when auto and fate = 'dispatched' then interval '0' else ${secs('60 + e1 * 480')} end as t1
      from f
    ), t2 as (
      select t.*, t1 + case when auto then interval '0' else ${secs('120 + e2 * 1500')} end as t2,
        t1 + ${secs('60 + e2 * 900')} as tx
      from t
    ), t3 as (
      select t2.*, t2 + ${secs('600 + e3 * 10800')} as t_ret, t2 + ${secs('600 + e3 * 10800')} + ${secs('300 + e4 * 2400')} as t_dis2
      from t2
    ), t4 as (
      select t3.*, case when rp < .003 then ${INF} else case when returned then t_dis2 else t2 end
        + ${secs("case when uclass <> 'normal' then 60 + e5 * 600 else 300 + e5 * 10800 end")} end as t_clm
      from t3
    ), t5 as (
      select t4.*, case when rp >= .003 and rp < .008 or t_clm = ${INF} then ${INF}
        else t_clm + ${secs("case when uclass <> 'normal' then 600 + e6 * 5400 else 3600 + e6 * 129600 end")} end as t_rep
      from t4
    )
    select t5.*,
      case when reopen then null else t_rep + g * (case when miss = 3 then 3 else miss + 1 end) end as t_cls,
      case when reopen then t_rep + g end as t_reo,
      t_rep + g + ${secs('300 + e8 * 10800')} as t_clm2,
      t_rep + g + ${secs('300 + e8 * 10800')} + ${secs('3600 + e9 * 150000')} as t_rep2,
      t_rep + g + ${secs('300 + e8 * 10800')} + ${secs('3600 + e9 * 150000')} + g as t_cls2,
      case when ug < .04 then case when returned then t_dis2 else t2 end + ${secs('3600 + e3 * 86400')} end as t_urg,
      case when fate = 'answered' and rs < .14 then t0 + ${secs('3600 + e7 * 86400')} end as t_rate,
      case when t_clm < ${INF} and pv < .3 then t_clm + ${secs('120 + e2 * 1200')} end as t_view,
      case when returned then u2 else u1 end as uf,
      i - 1 - floor(rs * 100)::bigint as master,
      (array['110', '110', '110', '110', '110', 'beijing', 'beijing', 'hebei', 'hebei', 'other'])[1 + floor(rx * 10)::int] as target,
      '1' || (3 + caller % 7)::text || lpad(((caller * 104729) % 1000000000)::text, 9, '0') as phone,
      (array['张', '王', '李', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭'])[1 + (caller % 16)::int]
        || case when caller % 3 = 0 then '女士' else '先生' end as citizen_name,
      ${now} as now
    from t5`;
  if (process.env.BENCH_YEAR_EXPLAIN) console.log((await sql.unsafe(`explain (analyze) ${text}`)).map((r) => r['QUERY PLAN']).join('\n'));
  else await sql.unsafe(text);
}
