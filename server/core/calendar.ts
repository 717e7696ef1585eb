/**
 * Working-day arithmetic for deadlines (时限), always in Beijing time.
 *
 * China has no daylight saving time, so every instant is mapped to its Beijing
 * wall clock with a fixed +8h offset; the machine's TZ never matters.
 *
 * The calendar is built from data (the `chinese-days` package: statutory holidays
 * and the make-up working days of 调休), never from hand-typed tables. Beyond the
 * years the data covers, there is nothing to consult: the calendar falls back to
 * plain Monday–Friday working weeks. `covers(date)` says whether that happened, so
 * a caller can warn that the data needs updating (the package is updated each
 * December when the State Council publishes the next year's arrangement).
 *
 * Pure: the calendar's data is read by server/rules/calendar.ts (`loadChineseDays`).
 */

export const DURATION_UNITS = ['minutes', 'hours', 'days', 'working_days', 'working_hours'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];
export interface Duration {
  amount: number;
  unit: DurationUnit;
}

/** How a clock's time passes: every instant counts, or only office hours on working days. */
export const TIME_BASES = ['natural', 'working'] as const;
export type TimeBasis = (typeof TIME_BASES)[number];
export const basisOf = (d: Duration): TimeBasis => (d.unit === 'working_days' || d.unit === 'working_hours' ? 'working' : 'natural');

/** The shape of `chinese-days/dist/chinese-days.json` (other keys are ignored). */
export interface CalendarData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

export interface CalendarOptions {
  /** Beijing wall-clock times 'HH:MM'; default 09:00–17:00. */
  officeHours?: { open: string; close: string };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const OFFSET = 8 * HOUR;
// No real span of working time needs more: 100 years of days.
const MAX_DAYS = 36_600;

/** Days since 1970-01-01 of the Beijing date that contains instant `t`. */
const dayOf = (t: number): number => Math.floor((t + OFFSET) / DAY);
/** The instant of Beijing midnight that starts `day`. */
const dayStart = (day: number): number => day * DAY - OFFSET;
const keyOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
const isWeekend = (day: number): boolean => {
  const w = new Date(day * DAY).getUTCDay();
  return w === 0 || w === 6;
};

function clockTime(text: string, what: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  const value = m ? Number(m[1]) * HOUR + Number(m[2]) * MINUTE : NaN;
  if (!m || Number(m[2]) > 59 || value > DAY) throw new Error(`office hours: ${what} "${text}" is not HH:MM`);
  return value;
}

export class WorkCalendar {
  private readonly holidays: ReadonlyMap<string, string>;
  private readonly workdays: ReadonlySet<string>;
  private readonly open: number;
  private readonly close: number;
  /** The years the data speaks about; null when it is empty. */
  readonly years: { first: number; last: number } | null;

  constructor(data: CalendarData, options: CalendarOptions = {}) {
    const keys = [...Object.keys(data.holidays), ...Object.keys(data.workdays)];
    const bad = keys.find((k) => {
      const t = Date.parse(`${k}T00:00:00+08:00`);
      return !/^\d{4}-\d{2}-\d{2}$/.test(k) || Number.isNaN(t) || keyOf(dayOf(t)) !== k;
    });
    if (bad !== undefined) throw new Error(`calendar data: "${bad}" is not a YYYY-MM-DD date`);
    const both = Object.keys(data.workdays).find((k) => k in data.holidays);
    if (both !== undefined) throw new Error(`calendar data: ${both} is both a holiday and a make-up workday`);
    this.holidays = new Map(Object.entries(data.holidays));
    this.workdays = new Set(Object.keys(data.workdays));
    const years = keys.map((k) => Number(k.slice(0, 4)));
    this.years = years.length ? { first: Math.min(...years), last: Math.max(...years) } : null;

    this.open = clockTime(options.officeHours?.open ?? '09:00', 'open');
    this.close = clockTime(options.officeHours?.close ?? '17:00', 'close');
    if (this.open >= this.close) throw new Error('office hours: open must be before close');
  }

  /** Whether the data speaks about this date's year (else weekday/weekend rules were used). */
  covers(date: Date): boolean {
    const year = Number(keyOf(dayOf(date.getTime())).slice(0, 4));
    return this.years !== null && year >= this.years.first && year <= this.years.last;
  }

  isWorkday(date: Date): boolean {
    return this.workingDay(dayOf(date.getTime()));
  }

  /** A statutory holiday (including weekend days inside a holiday period), not an ordinary weekend. */
  isHoliday(date: Date): boolean {
    return this.holidays.has(keyOf(dayOf(date.getTime())));
  }

  /** The holiday's Chinese name ('国庆节'), or null on any other day. */
  holidayName(date: Date): string | null {
    const raw = this.holidays.get(keyOf(dayOf(date.getTime())));
    if (raw === undefined) return null;
    // chinese-days writes "National Day,国庆节,3": English, Chinese, length of the period.
    return raw.split(',')[1] ?? raw;
  }

  add(start: Date, d: Duration): Date {
    if (!Number.isFinite(d.amount) || d.amount < 0) throw new RangeError(`duration amount must be >= 0, got ${d.amount}`);
    const t = start.getTime();
    switch (d.unit) {
      case 'minutes':
        return new Date(t + Math.round(d.amount * MINUTE));
      case 'hours':
        return new Date(t + Math.round(d.amount * HOUR));
      case 'days':
        return new Date(t + Math.round(d.amount * DAY));
      case 'working_hours':
        return new Date(this.addWorkingMs(t, Math.round(d.amount * HOUR)));
      case 'working_days': {
        if (!Number.isInteger(d.amount) || d.amount < 1) throw new RangeError(`working_days must be a whole number >= 1, got ${d.amount}`);
        // The start date itself never counts, whatever the hour: the Nth working day
        // after it ends at 24:00 Beijing, i.e. the next day's first instant.
        let day = dayOf(t);
        for (let left = d.amount; left > 0;) {
          day++;
          if (this.workingDay(day)) left--;
        }
        return new Date(dayStart(day + 1));
      }
    }
  }

  /** Office time on working days within [from, to), in milliseconds. */
  workingMsBetween(from: Date, to: Date): number {
    const a = from.getTime();
    const b = to.getTime();
    let total = 0;
    for (let day = dayOf(a); day <= dayOf(b) && b > a; day++) {
      if (!this.workingDay(day)) continue;
      const lo = Math.max(a, dayStart(day) + this.open);
      const hi = Math.min(b, dayStart(day) + this.close);
      if (hi > lo) total += hi - lo;
    }
    return total;
  }

  /**
   * How much of the time from `start` to `due` has passed at `now`, in [0, 1].
   * On the working basis only office hours count, so a warning at 50% of a
   * working-day deadline falls in office hours rather than on a Sunday night.
   * A working deadline ends at 24:00 while office hours end earlier: the
   * fraction reaches 1 at closing time on the last day, before the deadline.
   */
  elapsedFraction(start: Date, due: Date, now: Date, basis: TimeBasis = 'working'): number {
    const s = start.getTime();
    const e = due.getTime();
    if (now.getTime() <= s || e <= s) return now.getTime() <= s ? 0 : 1;
    if (now.getTime() >= e) return 1;
    const total = basis === 'working' ? this.workingMsBetween(start, due) : 0;
    // A working span with no office time in it (start and due on one holiday) has
    // nothing to measure by: natural time is the only sensible measure left.
    if (total === 0) return (now.getTime() - s) / (e - s);
    return Math.min(1, this.workingMsBetween(start, now) / total);
  }

  /** The first instant at which `elapsedFraction` reaches `fraction`; never after `due`. */
  instantAtFraction(start: Date, due: Date, fraction: number, basis: TimeBasis = 'working'): Date {
    const s = start.getTime();
    const e = due.getTime();
    const f = Math.min(1, Math.max(0, fraction));
    const total = basis === 'working' && e > s ? this.workingMsBetween(start, due) : 0;
    if (total === 0) return new Date(s + Math.round(f * Math.max(0, e - s)));
    return new Date(Math.min(e, this.addWorkingMs(s, Math.round(f * total))));
  }

  private workingDay(day: number): boolean {
    const key = keyOf(day);
    if (this.holidays.has(key)) return false;
    if (this.workdays.has(key)) return true;
    return !isWeekend(day);
  }

  /** Counts `ms` of office time from `t`; outside office hours it counts from the next opening. */
  private addWorkingMs(t: number, ms: number): number {
    let left = ms;
    const first = dayOf(t);
    for (let day = first; day < first + MAX_DAYS; day++) {
      if (!this.workingDay(day)) continue;
      const close = dayStart(day) + this.close;
      if (t >= close) continue;
      const from = Math.max(t, dayStart(day) + this.open);
      if (left <= close - from) return from + left;
      left -= close - from;
    }
    throw new RangeError('working time does not fit into 100 years of calendar');
  }
}
