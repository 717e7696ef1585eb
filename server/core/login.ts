/**
 * Budgets of wrong passwords at sign-in (pure). A username may be guessed a few
 * times, an address (which may be a whole office behind one NAT) more often,
 * since it tries many usernames; each lock lasts twice the one before.
 */
import type { BudgetPolicy, BudgetState } from './throttle.ts';

export type LoginScope = 'login_user' | 'login_addr';

export const LOGIN_POLICIES: Record<LoginScope, BudgetPolicy> = {
  // 5 guesses, then 1 min, 2, 4 … up to an hour: about 5 guesses an hour at most.
  login_user: { failures: 5, firstLockMs: 60_000, maxLockMs: 3_600_000, forgetAfterMs: 3_600_000 },
  // Typos of a busy desk room are forgotten after a quiet quarter of an hour.
  login_addr: { failures: 30, firstLockMs: 60_000, maxLockMs: 3_600_000, forgetAfterMs: 15 * 60_000 },
};

/** Whether the key failed recently: its next attempt then waits behind clean sign-ins. */
export function failedRecently(state: BudgetState | null, now: Date, policy: BudgetPolicy): boolean {
  if (!state || now.getTime() - state.lastFailureAt.getTime() > policy.forgetAfterMs) return false;
  return state.failures > 0 || state.lockouts > 0;
}

/** The latest lock among the keys still in force at `now`, or null. */
export function latestLock(states: (BudgetState | null)[], now: Date): Date | null {
  let until: Date | null = null;
  for (const s of states) if (s?.lockedUntil && s.lockedUntil > now && (!until || s.lockedUntil > until)) until = s.lockedUntil;
  return until;
}
