/**
 * Failure budgets and the security audit (安全审计). The decisions are the pure
 * core's (server/core/throttle.ts); here a key's row is locked while one failure
 * is counted, so concurrent guesses cannot slip past the budget together.
 *
 * The pool is shared with drizzle, which turns the driver's timestamp and json
 * (de)serializers into pass-throughs: instants go in as ISO text and come back as
 * text, json goes in as text.
 */
import type { Sql } from '../client.ts';
import { afterFailure, lockedUntil, type BudgetPolicy, type BudgetState } from '../../server/core/throttle.ts';
import type { THROTTLE_SCOPES } from '../schema.ts';

export type ThrottleScope = (typeof THROTTLE_SCOPES)[number];

// drizzle turns off the driver's date parsing and serializing on the shared client
// (db/client.ts): instants go in as ISO strings and come back as PostgreSQL's text.
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const instant = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

const toState = (r: Record<string, unknown>): BudgetState => ({
  failures: Number(r.failures),
  lockouts: Number(r.lockouts),
  lockedUntil: instant(r.locked_until),
  lastFailureAt: instant(r.last_failure_at)!,
});

/** Until when the key may not try, or null. */
export async function lockOf(sql: Sql, scope: ThrottleScope, key: string, now: Date): Promise<Date | null> {
  const [row] =
    await sql`select failures, lockouts, locked_until, last_failure_at from failure_budgets where scope = ${scope} and key = ${key}`;
  return row ? lockedUntil(toState(row), now) : null;
}

/**
 * The budgets of several keys in one round trip, in the order asked (null where a
 * key has none): a sign-in reads its username's and its address's together.
 */
export async function budgetsOf(sql: Sql, keys: readonly { scope: ThrottleScope; key: string }[]): Promise<(BudgetState | null)[]> {
  const rows = await sql`
    select k.i, b.failures, b.lockouts, b.locked_until, b.last_failure_at
    from unnest(${keys.map((k) => k.scope)}::text[], ${keys.map((k) => k.key)}::text[]) with ordinality as k(scope, key, i)
    join failure_budgets b on b.scope = k.scope and b.key = k.key`;
  const out: (BudgetState | null)[] = keys.map(() => null);
  for (const r of rows) out[Number(r.i) - 1] = toState(r as never);
  return out;
}

/** Count one failure; answers the lock it started or that holds, and whether this failure started it. */
export async function recordFailure(
  sql: Sql,
  scope: ThrottleScope,
  key: string,
  now: Date,
  policy: BudgetPolicy,
): Promise<{ lockedUntil: Date | null; newlyLocked: boolean }> {
  return sql.begin(async (tx) => {
    await tx`insert into failure_budgets (scope, key, last_failure_at) values (${scope}, ${key}, ${iso(now)}) on conflict do nothing`;
    const [row] =
      await tx`select failures, lockouts, locked_until, last_failure_at from failure_budgets where scope = ${scope} and key = ${key} for update`;
    // A locked key may not try, so it cannot fail: a guess that raced past the
    // caller's lockOf is refused here, and neither counts nor starts a new lock.
    const holding = lockedUntil(toState(row!), now);
    if (holding) return { lockedUntil: holding, newlyLocked: false };
    const fresh = Number(row!.failures) === 0 && Number(row!.lockouts) === 0 && !row!.locked_until;
    const next = afterFailure(fresh ? null : toState(row!), now, policy);
    await tx`update failure_budgets set failures = ${next.failures}, lockouts = ${next.lockouts}, locked_until = ${iso(next.lockedUntil)},
      last_failure_at = ${iso(now)} where scope = ${scope} and key = ${key}`;
    return { lockedUntil: lockedUntil(next, now), newlyLocked: next.locked };
  });
}

/** A success or an admin's unlock: the key starts afresh. */
export async function clearFailures(sql: Sql, scope: ThrottleScope, key: string): Promise<boolean> {
  const rows = await sql`delete from failure_budgets where scope = ${scope} and key = ${key} returning 1`;
  return rows.length > 0;
}

/** Keys locked now, for the admin. */
export async function lockedKeys(
  sql: Sql,
  now: Date,
): Promise<{ scope: ThrottleScope; key: string; lockedUntil: Date; lockouts: number }[]> {
  const rows =
    await sql`select scope, key, locked_until, lockouts from failure_budgets where locked_until > ${iso(now)} order by locked_until desc limit 500`;
  return rows.map((r) => ({ scope: r.scope, key: r.key, lockedUntil: instant(r.locked_until)!, lockouts: r.lockouts }));
}

export interface SecurityEvent {
  at: Date;
  /** 'user:<id>' of the admin, or 'system'. */
  actor: string;
  action: string;
  subject: string;
  detail?: Record<string, unknown>;
}

export async function appendSecurityEvent(sql: Sql, e: SecurityEvent): Promise<void> {
  await sql`insert into security_events (at, actor, action, subject, detail) values (${iso(e.at)}, ${e.actor}, ${e.action}, ${e.subject}, ${JSON.stringify(e.detail ?? {})}::jsonb)`;
}

export async function securityEventsOf(sql: Sql, subject: string, limit = 200): Promise<(SecurityEvent & { id: number })[]> {
  const rows =
    await sql`select id, at, actor, action, subject, detail from security_events where subject = ${subject} order by id desc limit ${limit}`;
  return rows.map((r) => ({
    id: Number(r.id),
    at: instant(r.at)!,
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    detail: r.detail,
  }));
}

/** An admin clears a key's budget (locked or not), with its `login_unlocked` event; false when it had none. */
export async function unlockKey(sql: Sql, scope: ThrottleScope, key: string, by: { actor: string; at: Date }): Promise<boolean> {
  return sql.begin(async (tx) => {
    const rows = await tx`delete from failure_budgets where scope = ${scope} and key = ${key} returning locked_until`;
    if (rows.length === 0) return false;
    const detail = { lockedUntil: rows[0]!.locked_until === null ? null : new Date(rows[0]!.locked_until).toISOString() };
    await tx`insert into security_events (at, actor, action, subject, detail)
      values (${iso(by.at)}, ${by.actor}, 'login_unlocked', ${`${scope}:${key}`}, ${JSON.stringify(detail)}::jsonb)`;
    return true;
  });
}

/** The audit, newest first: one subject's or everyone's, before an id for the next page. */
export async function securityEventsPage(
  sql: Sql,
  f: { subject?: string; beforeId?: number; limit: number },
): Promise<(SecurityEvent & { id: number })[]> {
  const rows = await sql`
    select id, at, actor, action, subject, detail from security_events
    where ${f.subject === undefined ? sql`true` : sql`subject = ${f.subject}`} and ${f.beforeId === undefined ? sql`true` : sql`id < ${f.beforeId}`}
    order by id desc limit ${f.limit}`;
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at),
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    detail: r.detail,
  }));
}
