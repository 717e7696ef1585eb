/**
 * 来电: the call-centre system's events merged into one row per call, and the
 * link from a call to the order logged from it.
 *
 * Query style of db/queries: set-based and hand-written queries are postgres.js
 * tagged templates; the drizzle builder only for plain row CRUD; never drizzle's
 * relational `db.query` API (one way to read a query, and the SQL is what runs).
 */
import type { Queryable, Sql } from '../client.ts';

/** One event from the call-centre system, as validated by the route. */
export interface CallEventInput {
  callId: string;
  event: string;
  at: string;
  callerNumber?: string;
  calledNumber?: string;
  agentId?: string;
  startedAt?: string;
  answeredAt?: string;
  endedAt?: string;
  recordingRef?: string;
  transcript?: string;
}

/** A call as the API shows it. */
export interface Call {
  callId: string;
  callerNumber: string | null;
  calledNumber: string | null;
  agentId: string | null;
  startedAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  recordingRef: string | null;
  transcript: string | null;
  events: { event: string; at: string }[];
  orderId: number | null;
}

/** A call's row as stored, column names and all: what an order's trail records it was made from. */
export type CallRecord = Record<string, unknown> & { call_id: string; caller_number: string | null };

/**
 * Merge one event into its call's row: first start, first answer, last end; a
 * repeated event is kept once, so events may come twice or out of order.
 */
export async function mergeCallEvent(sql: Queryable, e: CallEventInput, updatedAt: Date): Promise<Call> {
  const started = e.startedAt ?? (e.event === 'CHANNEL_CREATE' ? e.at : null);
  const answered = e.answeredAt ?? (e.event === 'CHANNEL_ANSWER' ? e.at : null);
  const ended = e.endedAt ?? (e.event === 'CHANNEL_HANGUP_COMPLETE' ? e.at : null);
  const mark = JSON.stringify([{ event: e.event, at: new Date(e.at).toISOString() }]);
  const [row] = await sql`
    insert into calls (call_id, caller_number, called_number, agent_id, started_at, answered_at, ended_at,
      recording_ref, transcript, events, updated_at)
    values (${e.callId}, ${e.callerNumber ?? null}, ${e.calledNumber ?? null}, ${e.agentId ?? null},
      ${started}::timestamptz, ${answered}::timestamptz, ${ended}::timestamptz, ${e.recordingRef ?? null},
      ${e.transcript ?? null}, ${mark}::jsonb, ${updatedAt.toISOString()})
    on conflict (call_id) do update set
      caller_number = coalesce(calls.caller_number, excluded.caller_number),
      called_number = coalesce(calls.called_number, excluded.called_number),
      agent_id = coalesce(excluded.agent_id, calls.agent_id),
      started_at = least(calls.started_at, excluded.started_at),
      answered_at = least(calls.answered_at, excluded.answered_at),
      ended_at = greatest(calls.ended_at, excluded.ended_at),
      recording_ref = coalesce(excluded.recording_ref, calls.recording_ref),
      transcript = coalesce(excluded.transcript, calls.transcript),
      events = case when calls.events @> excluded.events then calls.events else calls.events || excluded.events end,
      updated_at = excluded.updated_at
    returning *`;
  return toCall(row!);
}

/**
 * Calls heard from since `since` and not yet logged as an order, newest first (the
 * calls_open_idx partial index). A call that ended unanswered is not waiting to be
 * logged: it is a callback task (漏接回拨), listed beside the form instead.
 */
export async function openCallsOf(sql: Sql, opts: { since: Date; agent?: string; limit: number }): Promise<Call[]> {
  const rows = await sql`
    select * from calls
    where order_id is null and updated_at >= ${opts.since.toISOString()}
      and not (answered_at is null and ended_at is not null) ${opts.agent ? sql`and agent_id = ${opts.agent}` : sql``}
    order by updated_at desc limit ${opts.limit}`;
  return rows.map(toCall);
}

/** The call's stored row, for the record of the order made from it. */
export async function findCallRecord(sql: Sql, callId: string): Promise<CallRecord | undefined> {
  const [row] = await sql<CallRecord[]>`select * from calls where call_id = ${callId}`;
  return row;
}

export async function findCall(sql: Sql, callId: string): Promise<Call | undefined> {
  const row = await findCallRecord(sql, callId);
  return row && toCall(row);
}

/** One order per call: a call already linked keeps its first order. */
export async function linkCallToOrder(sql: Sql, callId: string, orderId: number): Promise<void> {
  await sql`update calls set order_id = ${orderId} where call_id = ${callId} and order_id is null`;
}

const date = (v: unknown) => (v ? new Date(v as string) : null);

/** A `calls` row as postgres.js returns it (instants as text, the shared client parses none). */
interface CallRow {
  call_id: string;
  caller_number: string | null;
  called_number: string | null;
  agent_id: string | null;
  started_at: string | null;
  answered_at: string | null;
  ended_at: string | null;
  recording_ref: string | null;
  transcript: string | null;
  events: string | Call['events'];
  order_id: string | number | null;
}

function toCall(row: object): Call {
  const r = row as CallRow;
  return {
    callId: r.call_id,
    callerNumber: r.caller_number,
    calledNumber: r.called_number,
    agentId: r.agent_id,
    startedAt: date(r.started_at),
    answeredAt: date(r.answered_at),
    endedAt: date(r.ended_at),
    recordingRef: r.recording_ref,
    transcript: r.transcript,
    events: typeof r.events === 'string' ? JSON.parse(r.events) : r.events,
    orderId: r.order_id === null ? null : Number(r.order_id),
  };
}
