/**
 * 人工质检's SQL: what decides an order's sampling, the samples written once (the
 * order's unique key, ON CONFLICT DO NOTHING: two instances or two reruns cannot
 * sample an order twice), the inspector's list, the score, and the month's figures
 * for the QA report and the assessment.
 */
import { sql as q } from 'drizzle-orm';
import type { Database } from '../client.ts';
import type { Tx } from './actions.ts';
import type { OrderStatus } from '../../server/core/lifecycle.ts';
import type { QaReason, QaStatus, UnitInspectionCounts } from '../../server/core/qa.ts';

type Db = Database | Tx;
const iso = (d: Date) => d.toISOString();

/** A reply the checks ran on and found something in: it went out with a reason (答复质检提示后仍发送). */
const FLAGGED = q`e.action = 'reply' and jsonb_typeof(e.payload->'quality'->'findings') = 'array'
  and jsonb_array_length(e.payload->'quality'->'findings') > 0`;

export interface CloseFacts {
  flagged: boolean;
  /** The latest reply or 直办 answer: the one the citizen last heard, which the inspector reads. */
  replyEventId: number | null;
}

/** Read in the closing step's transaction, under the order's lock. */
export async function closeFacts(tx: Db, orderId: number): Promise<CloseFacts> {
  const [row] = await tx.execute<{ flagged: boolean; reply_event_id: string | null }>(q`
    select
      exists (select 1 from order_events e where e.order_id = ${orderId} and ${FLAGGED}) as flagged,
      (select max(e.id) from order_events e where e.order_id = ${orderId} and e.action in ('reply', 'answer')) as reply_event_id`);
  return { flagged: row!.flagged, replyEventId: row!.reply_event_id === null ? null : Number(row!.reply_event_id) };
}

export interface NewSample {
  orderId: number;
  reason: QaReason;
  unitId: string;
  replyEventId: number | null;
}

/** The samples not there yet; the number written (an order already sampled is left as it is). */
export async function insertSamples(tx: Db, samples: NewSample[], at: Date): Promise<number> {
  if (samples.length === 0) return 0;
  // As one JSON document: drizzle spreads a JS array into a list of parameters, not one array.
  const rows = await tx.execute<{ id: string }>(q`
    insert into qa_samples (order_id, reason, unit_id, reply_event_id, sampled_at)
    select s.order_id, s.reason, s.unit_id, s.reply_event_id, ${iso(at)}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(samples.map((s) => ({ order_id: s.orderId, reason: s.reason, unit_id: s.unitId, reply_event_id: s.replyEventId })))}::jsonb)
      as s(order_id bigint, reason text, unit_id text, reply_event_id bigint)
    order by s.order_id
    on conflict (order_id) do nothing
    returning id`);
  return rows.length;
}

export interface ClosedCandidate extends CloseFacts {
  orderId: number;
  unitId: string;
  dissatisfied: boolean;
}

/** Orders closed in [start, end) and not sampled yet, with what decides their sampling: the on-demand rerun. */
export async function closedUnsampled(db: Db, span: { start: Date; end: Date }): Promise<ClosedCandidate[]> {
  const rows = await db.execute<{ id: string; unit_id: string; reopened: boolean; flagged: boolean; reply_event_id: string | null }>(q`
    select o.id, o.current_unit_id as unit_id, o.reopen_count > 0 as reopened,
      exists (select 1 from order_events e where e.order_id = o.id and ${FLAGGED}) as flagged,
      (select max(e.id) from order_events e where e.order_id = o.id and e.action in ('reply', 'answer')) as reply_event_id
    from orders o
    where o.status = 'closed' and o.closed_at >= ${iso(span.start)} and o.closed_at < ${iso(span.end)}
      and not exists (select 1 from qa_samples s where s.order_id = o.id)
    order by o.id`);
  return rows.map((r) => ({
    orderId: Number(r.id),
    unitId: r.unit_id,
    dissatisfied: r.reopened,
    flagged: r.flagged,
    replyEventId: r.reply_event_id === null ? null : Number(r.reply_event_id),
  }));
}

export interface SampleRow {
  id: number;
  reason: QaReason;
  sampledAt: Date;
  unitId: string;
  unitName: string;
  orderId: number;
  orderNumber: string;
  orderStatus: string;
  content: string;
  categoryCode: string | null;
  citizenPhone: string | null;
  createdAt: Date;
  closedAt: Date | null;
  satisfaction: string | null;
  reopenCount: number;
  replyText: string | null;
  repliedAt: Date | null;
  replyAction: string | null;
  /** The automatic checks' record on the reply: its findings' codes and the sender's reason; null when none ran. */
  quality: { findings: string[]; reason: string | null } | null;
  items: Record<string, number> | null;
  total: number | null;
  passed: boolean | null;
  comment: string | null;
  scoredBy: string | null;
  scoredAt: Date | null;
}

const SAMPLE_COLUMNS = q`
  s.id::int as "id", s.reason, s.sampled_at as "sampledAt", s.unit_id as "unitId", u.name as "unitName",
  o.id::int as "orderId", o.number as "orderNumber", o.status as "orderStatus", o.content, o.category_code as "categoryCode",
  o.citizen_phone as "citizenPhone", o.created_at as "createdAt", o.closed_at as "closedAt", o.satisfaction,
  o.reopen_count as "reopenCount", coalesce(e.reason, o.reply_text) as "replyText", coalesce(e.at, o.replied_at) as "repliedAt",
  e.action as "replyAction", e.payload->'quality' as quality,
  s.items, s.total, s.passed, s.comment, s.scored_by as "scoredBy", s.scored_at as "scoredAt"`;

const SAMPLE_FROM = q`
  from qa_samples s
  join orders o on o.id = s.order_id
  join units u on u.id = s.unit_id
  left join order_events e on e.id = s.reply_event_id`;

/** Timestamps come back from execute() as text: the rows as the routes expect them. */
function sampleOf(r: Record<string, unknown>): SampleRow {
  const at = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    ...(r as unknown as SampleRow),
    sampledAt: at(r.sampledAt)!,
    createdAt: at(r.createdAt)!,
    closedAt: at(r.closedAt),
    repliedAt: at(r.repliedAt),
    scoredAt: at(r.scoredAt),
    quality: (r.quality as SampleRow['quality']) ?? null,
  };
}

/** Pending ones oldest first (the inspector's queue); scored ones latest scored first. */
export async function listSamples(db: Db, f: { status: QaStatus; limit: number }): Promise<SampleRow[]> {
  const rows = await db.execute<Record<string, unknown>>(
    f.status === 'pending'
      ? q`select ${SAMPLE_COLUMNS} ${SAMPLE_FROM} where s.scored_at is null order by s.sampled_at, s.id limit ${f.limit}`
      : q`select ${SAMPLE_COLUMNS} ${SAMPLE_FROM} where s.scored_at is not null order by s.scored_at desc, s.id desc limit ${f.limit}`,
  );
  return rows.map(sampleOf);
}

export async function sampleById(db: Db, id: number): Promise<SampleRow | undefined> {
  const [row] = await db.execute<Record<string, unknown>>(q`select ${SAMPLE_COLUMNS} ${SAMPLE_FROM} where s.id = ${id}`);
  return row ? sampleOf(row) : undefined;
}

/** The sample and its order's place, locked for scoring: two inspectors scoring at once are taken one after the other. */
export async function lockSample(
  tx: Tx,
  id: number,
): Promise<{ orderId: number; scoredAt: Date | null; orderStatus: OrderStatus; currentUnitId: string } | undefined> {
  const [row] = await tx.execute<{ order_id: string; scored_at: string | null; status: OrderStatus; current_unit_id: string }>(q`
    select s.order_id, s.scored_at, o.status, o.current_unit_id
    from qa_samples s join orders o on o.id = s.order_id where s.id = ${id} for update of s`);
  if (!row) return undefined;
  return {
    orderId: Number(row.order_id),
    scoredAt: row.scored_at ? new Date(row.scored_at) : null,
    orderStatus: row.status,
    currentUnitId: row.current_unit_id,
  };
}

export async function recordScore(
  tx: Tx,
  id: number,
  s: { items: Record<string, number>; total: number; passed: boolean; comment: string | null; by: string; at: Date },
): Promise<void> {
  await tx.execute(q`
    update qa_samples set items = ${JSON.stringify(s.items)}::jsonb, total = ${s.total}, passed = ${s.passed},
      comment = ${s.comment}, scored_by = ${s.by}, scored_at = ${iso(s.at)}::timestamptz
    where id = ${id}`);
}

/** The cohort of the reports and the assessment: orders registered in the month, not merged away or transferred out. */
const inMonth = (span: { start: Date; end: Date }) =>
  q`o.created_at >= ${iso(span.start)} and o.created_at < ${iso(span.end)} and o.status not in ('merged', 'transferred_out')`;

/** The QA report: per unit that answered, its samples of the month's orders, those scored, their points and passes. */
export async function inspectionsByUnit(db: Db, span: { start: Date; end: Date }): Promise<UnitInspectionCounts[]> {
  const rows = await db.execute<{ unit_id: string; unit_name: string; sampled: number; scored: number; points: number; passed: number }>(q`
    select s.unit_id, u.name as unit_name, count(*)::int as sampled, count(s.scored_at)::int as scored,
      coalesce(sum(s.total), 0)::int as points, count(*) filter (where s.passed)::int as passed
    from qa_samples s join orders o on o.id = s.order_id join units u on u.id = s.unit_id
    where ${inMonth(span)}
    group by s.unit_id, u.name order by s.unit_id`);
  return rows.map((r) => ({
    unitId: r.unit_id,
    unitName: r.unit_name,
    sampled: r.sampled,
    scored: r.scored,
    points: r.points,
    passed: r.passed,
  }));
}
