/** The working-day calendar's data, read once from the `chinese-days` package (MIT). */
import { createRequire } from 'node:module';
import { WorkCalendar, type CalendarData, type CalendarOptions } from '../core/calendar.ts';

/** The calendar of `chinese-days`: statutory holidays and 调休 make-up workdays since 2004. */
export function loadChineseDays(options?: CalendarOptions): WorkCalendar {
  const data = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as CalendarData;
  return new WorkCalendar(data, options);
}
