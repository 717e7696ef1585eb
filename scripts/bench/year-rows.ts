/**
 * The rows of one chunk of the generated year, written from `year_plan` in a few
 * set-based statements: where each order stands now (`year_state`), then its row,
 * its clocks with their stage ladders, the sweeper's warnings it would have fired,
 * and the calls and WeChat messages the orders came from (its trail of events is
 * year-events.ts). Columns, statuses and payloads are the ones the service writes
 * (db/queries/orders.ts, server/core/lifecycle.ts, server/jobs/sweeper.ts).
 */
import type { Sql } from '../../db/client.ts';
import { CLOCK_KINDS, CLOCK_LABELS, STAGE_LABELS, STAGES } from '../../server/core/deadlines.ts';

/** BENCH_YEAR_EXPLAIN=1 prints each statement's plan as it runs (EXPLAIN ANALYZE runs it). */
export async function run(sql: Sql, text: string): Promise<void> {
  if (!process.env.BENCH_YEAR_EXPLAIN) {
    await sql.unsafe(text);
    return;
  }
  const plan = await sql.unsafe(`explain (analyze, buffers) ${text}`);
  console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
}

const R = (x: string) => `case when ${x} <= now then ${x} end`;
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const iso = (x: string) => `to_char((${x}) at time zone 'UTC', ${ISO})`;
export const list = (values: readonly string[]) => `array[${values.map((v) => `'${v}'`).join(', ')}]::text[]`;

/** Reply texts, in the handlers' own plain words (written for this bench). */
export const REPLIES = [
  '您好，您反映的问题我单位已安排工作人员到现场核实，现已处理完毕，后续将加强日常巡查。感谢您对我们工作的监督。',
  '经核查，您反映的情况属实，已责成相关责任单位限期整改，目前整改已完成，如仍有问题请再次来电。',
  '您好，接到工单后我们第一时间与您电话联系并到现场查看，已协调物业和施工方解决，请您留意后续情况。',
  '经了解，该事项涉及多个部门，我单位已牵头召开协调会，明确了处理方案，预计本月内全部完成。',
  '您好，关于您咨询的政策，相关规定和办理流程已电话向您详细说明，如需办理可携带身份证件到窗口办理。',
  '经现场核实，问题已初步解决；由于需要等待材料采购，剩余部分将在两周内完成，届时会再次与您联系。',
];
export const ANSWERS = [
  '话务员根据知识库为来电人解答了办理条件、所需材料和办理地点，来电人表示清楚。',
  '已当场告知来电人相关政策规定和咨询电话，来电人无其他诉求。',
  '已向来电人说明线上办理的入口和步骤，来电人表示会按步骤办理。',
];

/** Where each planned order stands at `now`: its status, holder and the columns of its row. */
export async function writeState(sql: Sql): Promise<void> {
  await sql`drop table if exists year_state`;
  await sql.unsafe(`
    create temp table year_state as
    with s as (
      select p.*,
        case when rtype in ('consultation', 'suggestion', 'praise') then rtype else '*' end as rgroup,
        ex[1 + (i % cardinality(ex))::int] || '（地点：' || dname || sname || cname || '）' as content,
        case fate
          when 'answered' then 'closed'
          when 'transferred' then case when now < t1 then 'received' when now < tx then 'accepted' else 'transferred_out' end
          when 'merged' then case when now < t1 then 'received' when now < tx then 'accepted' else 'merged' end
          else case
            when now < t1 then 'received'
            when now < t2 then 'accepted'
            when returned and now < t_ret then 'dispatched'
            when returned and now < t_dis2 then 'returned'
            when now < t_clm then 'dispatched'
            when now < t_rep then 'claimed'
            when reopen and now < t_reo then 'replied'
            when not reopen and now < t_cls then 'replied'
            when not reopen then 'closed'
            when now < t_clm2 then 'reopened'
            when now < t_rep2 then 'claimed'
            when now < t_cls2 then 'replied'
            else 'closed' end
        end as status
      from year_plan p
    ), h as (
      select s.*,
        case when fate <> 'dispatched' or status in ('received', 'accepted', 'returned') then 'hotline'
          when status = 'dispatched' then case when returned and now >= t_dis2 then u2 else u1 end
          else uf end as holder,
        case when fate = 'answered' then t0 else ${R('t1')} end as accepted_at,
        case when fate = 'dispatched' then coalesce(case when returned then ${R('t_dis2')} end, ${R('t2')}) end as dispatched_at,
        case when fate = 'dispatched' then coalesce(case when reopen then ${R('t_clm2')} end, ${R('t_clm')}) end as claimed_at,
        case when fate = 'answered' then t0 when fate = 'dispatched' then coalesce(case when reopen then ${R('t_rep2')} end, ${R('t_rep')}) end as replied_at,
        case when status <> 'closed' then null when fate = 'answered' then t0 when reopen then t_cls2 else t_cls end as closed_at,
        case when fate = 'answered' then case when t_rate <= now then sat end
          when fate <> 'dispatched' then null
          when reopen and now >= t_reo then case when status = 'closed' then 'basically_satisfied' else 'unsatisfied' end
          when status = 'closed' and miss < 3 then sat end as satisfaction,
        (fate = 'dispatched' and now >= t2)::int + (fate = 'dispatched' and returned and now >= t_dis2)::int as dispatch_count,
        (fate = 'dispatched' and returned and now >= t_ret)::int as return_count,
        (fate = 'dispatched' and reopen and now >= t_reo)::int as reopen_count,
        coalesce(fate = 'dispatched' and t_urg <= now and t_urg < t_rep, false) as urged,
        case when channel = 'wechat' then 'wx' || i::text end as msgid
      from s
    )
    select h.*, greatest(t0, accepted_at, dispatched_at, claimed_at, replied_at, closed_at,
        case when fate in ('transferred', 'merged') then ${R('tx')} end, case when reopen then ${R('t_reo')} end,
        case when urged then t_urg end, ${R('t_rate')}, case when fate = 'dispatched' then ${R('t_view')} end) as updated_at
    from h`);
}

export async function writeOrders(sql: Sql): Promise<void> {
  await run(
    sql,
    `
    insert into orders (id, number, channel, channel_message_id, channel_user_id, idempotency_scope, idempotency_key, request_hash,
      citizen_name, citizen_phone, content, location_text, category_code, request_type, classification, urgency, area_code,
      current_unit_id, unit_path, status, merged_into_id, transfer_target, claimed_by_unit_id, urge_count, dispatch_count,
      return_count, reopen_count, reply_text, query_code_hash, satisfaction, created_at, updated_at, accepted_at, dispatched_at,
      claimed_at, replied_at, closed_at)
    overriding system value
    select i, pg_temp.year_number(i, t0), channel, msgid, case when channel = 'wechat' then 'o' || left(md5(phone), 27) end,
      case when channel = 'phone' then 'user:' || (2 + i % 120) else '' end,
      case when channel in ('phone', 'app', 'open311') then md5('key' || i) end,
      md5('req' || i) || md5('hash' || i), citizen_name, phone, content, dname || sname || cname, cat, rtype,
      template || jsonb_build_object('area', jsonb_build_object('code', community, 'name', cname, 'level', 'community'),
        'unit', jsonb_build_object('id', u1), 'autoDispatch', auto, 'urgencyClass', case when uclass <> 'normal' then uclass end),
      case when uclass <> 'normal' then 'urgent' else 'normal' end, community,
      holder, case when holder = 'hotline' then array['hotline'] else array['hotline', holder] end, status,
      case when status = 'merged' then master end, case when status = 'transferred_out' then target end,
      case when claimed_at is not null then uf end, urged::int, dispatch_count, return_count, reopen_count,
      case when fate = 'answered' then (${list(ANSWERS)})[1 + i % ${ANSWERS.length}]
        when replied_at is not null then (${list(REPLIES)})[1 + i % ${REPLIES.length}] end,
      md5('code' || i) || md5('query' || i), satisfaction, t0, updated_at, accepted_at, dispatched_at, claimed_at, replied_at, closed_at
    from year_state
    order by i`,
  );
}

/** One clock per kind, as it stands after the order's last step, its ladder from year_ladder. */
export async function writeClocks(sql: Sql): Promise<void> {
  const stage = (k: number) => `l.stage_at[${k}] + sh`;
  const kinds: { kind: string; unit: string; start: string; stop: string }[] = [
    { kind: 'accept', unit: `'hotline'`, start: 't0', stop: `case when fate = 'answered' then t0 else t1 end` },
    {
      kind: 'transfer',
      unit: `'hotline'`,
      start: `case when fate = 'answered' then null when returned and fate = 'dispatched' and now >= t_ret then t_ret else t1 end`,
      stop: `case when fate <> 'dispatched' then tx when returned and now >= t_ret then t_dis2 else t2 end`,
    },
    {
      kind: 'claim',
      unit: `case when returned and now >= t_ret and now < t_dis2 then u1 else uf end`,
      start: `case when fate <> 'dispatched' then null when reopen and now >= t_reo then t_reo when returned and now >= t_dis2 then t_dis2 else t2 end`,
      stop: `case when reopen and now >= t_reo then t_clm2 when returned and now >= t_ret and now < t_dis2 then t_ret else t_clm end`,
    },
    { kind: 'first_reply', unit: 'uf', start: `case when fate = 'dispatched' then t_clm end`, stop: 't_rep' },
    {
      kind: 'resolve',
      unit: `case when fate = 'dispatched' then uf else 'hotline' end`,
      start: `case when fate = 'answered' then null when reopen and now >= t_reo then t_reo else t1 end`,
      stop: `case when fate <> 'dispatched' then tx when reopen and now >= t_reo then t_cls2 else t_cls end`,
    },
  ];
  const branches = kinds.map(
    (k) => `
      select i, '${k.kind}' as kind, ${k.unit} as unit0, ${k.start} as start, ${k.stop} as stop, uclass, rgroup, holder, now
      from year_state where ${k.start} <= now`,
  );
  await run(
    sql,
    `
    insert into order_clocks (order_id, kind, unit_id, unit_path, urgency_class, basis, started_at, due_at, stopped_at, fired_stage, next_at, stage_at)
    select v.i, v.kind, w.unit, array_to_string(u.ancestors, '/') || '/', v.uclass, case when l.basis = 'natural' then 'natural' else 'working' end,
      v.start, l.due_at + sh, w.stopped, f.fired, case when w.stopped is null then x.stages[f.fired + 2] end, x.stages
    from (${branches.join(' union all ')}) v
      join year_combos m on m.kind = v.kind and m.uclass = v.uclass and m.rtype = v.rgroup
      join year_ladder l on l.key = m.key and l.bucket = date_trunc('hour', v.start)
      cross join lateral (select case when v.stop <= v.now then v.unit0 else v.holder end as unit, case when v.stop <= v.now then v.stop end as stopped) w
      join units u on u.id = w.unit
      cross join lateral (select case when l.basis = 'working_days' then interval '0' else v.start - l.bucket end as sh) z
      cross join lateral (select array[${[1, 2, 3, 4, 5].map(stage).join(', ')}] as stages) x
      cross join lateral (select (${[1, 2, 3, 4, 5].map((k) => `(x.stages[${k}] <= coalesce(w.stopped, v.now))::int`).join(' + ')}) - 1 as fired) f`,
  );
}

/** The sweeper's events for the stages each clock passed while it ran (server/jobs/sweeper.ts writes the same). */
export async function writeStageEvents(sql: Sql, a: number, b: number): Promise<void> {
  const kindLabels = list(CLOCK_KINDS.map((k) => CLOCK_LABELS[k]));
  await run(
    sql,
    `
    insert into order_events (order_id, at, actor, action, from_status, to_status, unit_id, reason, payload)
    select c.order_id, c.stage_at[gs.k + 1], 'system:sweeper', 'sla_' || (${list(STAGES)})[gs.k + 1], st.status, st.status,
      case when gs.k = 4 then coalesce(u.parent_id, c.unit_id) else c.unit_id end,
      (${kindLabels})[array_position(${list(CLOCK_KINDS)}, c.kind)] || '：' || (${list(STAGES.map((s) => STAGE_LABELS[s]))})[gs.k + 1],
      jsonb_build_object('clock', c.kind, 'stage', (${list(STAGES)})[gs.k + 1], 'stageAt', ${iso('c.stage_at[gs.k + 1]')},
        'dueAt', ${iso('c.due_at')}, 'holderUnitId', c.unit_id)
    from order_clocks c
      cross join generate_series(0, c.fired_stage) as gs(k)
      join units u on u.id = c.unit_id
      join year_state s on s.i = c.order_id
      cross join lateral (select case when c.stopped_at is null then s.status
        else (array['received', 'accepted', 'dispatched', 'claimed', 'claimed'])[array_position(${list(CLOCK_KINDS)}, c.kind)] end as status) st
    where c.order_id between ${a} and ${b} and c.fired_stage >= 0
    order by c.stage_at[gs.k + 1], c.order_id`,
  );
}

/** The call each phone order was logged on, and the WeChat message of each WeChat order. */
export async function writeChannels(sql: Sql): Promise<void> {
  await sql.unsafe(`
    insert into calls (call_id, caller_number, called_number, agent_id, started_at, answered_at, ended_at, recording_ref, events, order_id, updated_at)
    select 'call-' || i, phone, '12345', 'agent-' || (2 + i % 120), t0 - interval '4 minutes', t0 - interval '230 seconds', t0 + interval '40 seconds',
      'rec/' || to_char(t0 at time zone 'Asia/Shanghai', 'YYYYMMDD') || '/call-' || i || '.wav',
      jsonb_build_array(jsonb_build_object('event', 'CHANNEL_ANSWER', 'at', ${iso(`t0 - interval '230 seconds'`)}),
        jsonb_build_object('event', 'CHANNEL_HANGUP_COMPLETE', 'at', ${iso(`t0 + interval '40 seconds'`)})),
      i, t0 + interval '40 seconds'
    from year_state where channel = 'phone'`);
  await sql.unsafe(`
    insert into inbound_messages (channel, dedupe_key, received_at, raw, order_id)
    select 'wechat', msgid, t0,
      '<xml><ToUserName><![CDATA[gh_12345]]></ToUserName><FromUserName><![CDATA[o' || left(md5(phone), 27) || ']]></FromUserName><CreateTime>'
        || extract(epoch from t0)::bigint || '</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[' || content
        || ']]></Content><MsgId>' || i || '</MsgId></xml>', i
    from year_state where channel = 'wechat'`);
}
