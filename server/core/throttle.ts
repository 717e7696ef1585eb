/**
 * Failure budgets (pure): how many wrong guesses a key (an order number, a
 * username, an address) may make before it is locked, and for how long. Each
 * lock lasts twice as long as the one before, up to a ceiling, so a patient
 * guesser gains nothing by waiting out the cool-downs; a quiet day forgives.
 */
export interface BudgetPolicy {
  /** Failures allowed before a lock. */
  failures: number;
  /** The first lock; each next one doubles. */
  firstLockMs: number;
  maxLockMs: number;
  /** After this long without a failure the key starts afresh. */
  forgetAfterMs: number;
}

export interface BudgetState {
  failures: number;
  lockouts: number;
  lockedUntil: Date | null;
  lastFailureAt: Date;
}

/** Until when the key is locked, or null when it may try. */
export function lockedUntil(state: BudgetState | null, now: Date): Date | null {
  return state?.lockedUntil && state.lockedUntil > now ? state.lockedUntil : null;
}

/** The state after one more failure at `now`; `locked` tells whether this failure started a lock. */
export function afterFailure(state: BudgetState | null, now: Date, policy: BudgetPolicy): BudgetState & { locked: boolean } {
  const forgiven = !state || now.getTime() - state.lastFailureAt.getTime() > policy.forgetAfterMs;
  const failures = (forgiven ? 0 : state.failures) + 1;
  const lockouts = forgiven ? 0 : state.lockouts;
  if (failures < policy.failures)
    return { failures, lockouts, lockedUntil: forgiven ? null : state.lockedUntil, lastFailureAt: now, locked: false };
  const ms = Math.min(policy.firstLockMs * 2 ** lockouts, policy.maxLockMs);
  return { failures: 0, lockouts: lockouts + 1, lockedUntil: new Date(now.getTime() + ms), lastFailureAt: now, locked: true };
}

/** Whole seconds until `until`, at least 1: the Retry-After of a 429. */
export const retryAfterSeconds = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
