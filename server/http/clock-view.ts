/** A clock as the desks show it, shared by the routes that answer with clocks. */
import { presentClock, type StoredClock } from '../../db/queries/clocks.ts';
import { stageSchedule, STAGES, type Deadlines } from '../core/deadlines.ts';

const OVERDUE = STAGES.indexOf('overdue');

/** With its ladder (黄灯, 红灯, 升级): the stored instants (what the sweeper reads), or computed for an old row. */
export function ladderClock(c: StoredClock & { stageAt?: Date[] | null }, now: Date, deadlines: Deadlines) {
  const instants =
    c.stageAt?.length === STAGES.length ? c.stageAt : stageSchedule(c, deadlines.policy, deadlines.calendar).map((s) => s.at);
  return { ...presentClock(c, now), warnAt: instants.slice(0, OVERDUE), escalateAt: instants.slice(OVERDUE + 1) };
}
