/**
 * The trail (痕迹) of each order of a chunk of the generated year, from `year_state`:
 * one branch per step of its life, in the order the steps happened, with the
 * actions, statuses and payloads the service writes (server/core/lifecycle.ts,
 * db/queries/orders.ts); and the knowledge entries read out for each 直办.
 */
import type { Sql } from '../../db/client.ts';
import { ANSWERS, list, REPLIES, run } from './year-rows.ts';

interface Step {
  /** When it happened (null: it does not happen to this order). */
  at: string;
  actor: string;
  action: string;
  from: string;
  to: string;
  unit: string;
  reason?: string;
  payload?: string;
}

/** The trail of each order, step by step, in the order the steps happened; and the entries read out for 直办. */
export async function writeEvents(sql: Sql, kbIds: number[]): Promise<void> {
  const op = `'user:' || (2 + i % 120)`;
  const dispatcher = `'user:' || (200 + i % 20)`;
  const handler = `'user:' || (1000 + abs(hashtext(uf)) % 3000)`;
  const agent = `'user:' || (150 + i % 30)`;
  const kb = kbIds.length ? `array[('{${kbIds.join(',')}}'::bigint[])[1 + i % ${kbIds.length}]]` : `array[]::bigint[]`;
  const D = `fate = 'dispatched'`;
  const q = (text: string) => `'${text}'`;
  const quality = `jsonb_build_object('quality', jsonb_build_object('findings', '[]'::jsonb, 'reason', null))`;
  const steps: Step[] = [
    {
      at: 't0',
      actor: `case when channel = 'phone' then ${op} else 'channel:' || channel end`,
      action: 'create',
      from: 'null',
      to: q('received'),
      unit: q('hotline'),
      payload: `jsonb_build_object('channel', channel, 'channelMessageId', msgid, 'inbound', jsonb_build_object('channel', channel,
        'citizenName', citizen_name, 'citizenPhone', phone, 'content', content, 'locationText', dname || sname || cname))`,
    },
    {
      at: `case when fate = 'answered' then t0 end`,
      actor: op,
      action: 'answer',
      from: q('received'),
      to: q('closed'),
      unit: q('hotline'),
      reason: `(${list(ANSWERS)})[1 + i % ${ANSWERS.length}]`,
      payload: `jsonb_build_object('kbEntryIds', case when i % 5 < 3 then ${kb} else array[]::bigint[] end)`,
    },
    {
      at: `case when fate = 'answered' then t_rate end`,
      actor: agent,
      action: 'rate',
      from: q('closed'),
      to: q('closed'),
      unit: q('hotline'),
      payload: `jsonb_build_object('satisfaction', sat)`,
    },
    {
      at: `case when fate <> 'answered' then t1 end`,
      actor: `case when auto and ${D} then 'system:classifier' else ${op} end`,
      action: 'accept',
      from: q('received'),
      to: q('accepted'),
      unit: q('hotline'),
    },
    {
      at: `case when fate = 'transferred' then tx end`,
      actor: dispatcher,
      action: 'transfer',
      from: q('accepted'),
      to: q('transferred_out'),
      unit: q('hotline'),
      reason: q('不属于本市12345受理范围，已转至相应热线'),
      payload: `jsonb_build_object('target', target)`,
    },
    {
      at: `case when fate = 'merged' then tx end`,
      actor: dispatcher,
      action: 'merge',
      from: q('accepted'),
      to: q('merged'),
      unit: q('hotline'),
      reason: q('重复件'),
      payload: `jsonb_build_object('masterId', master, 'masterNumber', pg_temp.year_number(master, pg_temp.year_t0(master)))`,
    },
    {
      at: `case when ${D} then t2 end`,
      actor: `case when auto then 'system:classifier' else ${dispatcher} end`,
      action: 'dispatch',
      from: q('accepted'),
      to: q('dispatched'),
      unit: 'u1',
      payload: `'{"fromUnitId": "hotline"}'::jsonb`,
    },
    {
      at: `case when ${D} and returned then t_ret end`,
      actor: `'user:' || (1000 + abs(hashtext(u1)) % 3000)`,
      action: 'return',
      from: q('dispatched'),
      to: q('returned'),
      unit: q('hotline'),
      reason: q('该事项不属于本单位职责范围，请重新派单'),
      payload: `jsonb_build_object('reasonCode', case when i % 3 = 0 then 'wrong_area' else 'not_our_jurisdiction' end, 'fromUnitId', u1, 'returnCount', 1)`,
    },
    {
      at: `case when ${D} and returned then t_dis2 end`,
      actor: dispatcher,
      action: 'dispatch',
      from: q('returned'),
      to: q('dispatched'),
      unit: 'u2',
      payload: `'{"fromUnitId": "hotline"}'::jsonb`,
    },
    {
      at: `case when urged then t_urg end`,
      actor: op,
      action: 'urge',
      from: `case when t_urg < t_clm then 'dispatched' else 'claimed' end`,
      to: `case when t_urg < t_clm then 'dispatched' else 'claimed' end`,
      unit: `case when t_urg >= t_clm then uf when returned and t_urg >= t_dis2 then u2 else u1 end`,
      reason: q('市民来电催促办理进度'),
    },
    { at: `case when ${D} then t_clm end`, actor: handler, action: 'claim', from: q('dispatched'), to: q('claimed'), unit: 'uf' },
    {
      at: `case when ${D} and t_view < t_rep then t_view end`,
      actor: handler,
      action: 'phone_viewed',
      from: q('claimed'),
      to: q('claimed'),
      unit: 'uf',
      payload: `jsonb_build_object('viewerUnitId', uf)`,
    },
    {
      at: `case when ${D} then t_rep end`,
      actor: handler,
      action: 'reply',
      from: q('claimed'),
      to: q('replied'),
      unit: 'uf',
      reason: `(${list(REPLIES)})[1 + i % ${REPLIES.length}]`,
      payload: quality,
    },
    {
      at: `case when ${D} and miss >= 1 then t_rep + g end`,
      actor: agent,
      action: 'callback_missed',
      from: q('replied'),
      to: q('replied'),
      unit: 'uf',
      payload: `'{"attempt": 1, "limit": 3}'::jsonb`,
    },
    {
      at: `case when ${D} and miss = 3 then t_rep + 2 * g end`,
      actor: agent,
      action: 'callback_missed',
      from: q('replied'),
      to: q('replied'),
      unit: 'uf',
      payload: `'{"attempt": 2, "limit": 3}'::jsonb`,
    },
    {
      at: `case when ${D} and miss = 3 then t_rep + 3 * g end`,
      actor: agent,
      action: 'callback_missed',
      from: q('replied'),
      to: q('closed'),
      unit: 'uf',
      payload: `'{"attempt": 3, "limit": 3, "callbackUnreached": true}'::jsonb`,
    },
    {
      at: `case when ${D} and not reopen and miss < 3 then t_cls end`,
      actor: agent,
      action: 'close',
      from: q('replied'),
      to: q('closed'),
      unit: 'uf',
      payload: `jsonb_build_object('satisfaction', sat)`,
    },
    {
      at: `case when ${D} and reopen then t_reo end`,
      actor: agent,
      action: 'reopen',
      from: q('replied'),
      to: q('reopened'),
      unit: 'uf',
      reason: q('回访时市民表示问题仍未解决，不满意'),
    },
    { at: `case when ${D} and reopen then t_clm2 end`, actor: handler, action: 'claim', from: q('reopened'), to: q('claimed'), unit: 'uf' },
    {
      at: `case when ${D} and reopen then t_rep2 end`,
      actor: handler,
      action: 'reply',
      from: q('claimed'),
      to: q('replied'),
      unit: 'uf',
      reason: `(${list(REPLIES)})[1 + (i + 1) % ${REPLIES.length}]`,
      payload: quality,
    },
    {
      at: `case when ${D} and reopen then t_cls2 end`,
      actor: agent,
      action: 'close',
      from: q('replied'),
      to: q('closed'),
      unit: 'uf',
      payload: `'{"satisfaction": "basically_satisfied"}'::jsonb`,
    },
  ];
  // One branch per step: each computes its payload only for the orders it happens to.
  const branches = steps.map(
    (e, seq) => `
      select i as order_id, ${e.at} as at, ${e.actor} as actor, '${e.action}' as action, ${e.from}::text as from_status, ${e.to}::text as to_status,
        ${e.unit} as unit_id, ${e.reason ?? 'null'}::text as reason, ${e.payload ?? `'{}'::jsonb`} as payload, ${seq} as seq
      from year_state where ${e.at} <= now`,
  );
  await run(
    sql,
    `
    with e as (
      insert into order_events (order_id, at, actor, action, from_status, to_status, unit_id, reason, payload)
      select order_id, at, actor, action, from_status, to_status, unit_id, reason, payload
      from (${branches.join(' union all ')}) v
      order by at, order_id, seq
      returning id, order_id, action, at, payload
    )
    insert into order_kb_uses (event_id, entry_id, order_id, version, at)
    select e.id, k.id, e.order_id, k.version, e.at
    from e join kb_entries k on k.id = (e.payload->'kbEntryIds'->>0)::bigint
    where e.action = 'answer'`,
  );
}
