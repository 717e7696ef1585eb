/** 日报's period arithmetic in Beijing time: days start at 16:00 UTC the day before; weeks run Monday to Sunday. */
import t from 'tap';
import { beijingDay, isCalendarDay, isOver, mondayOf, periodOf, yesterdayOf } from '../server/core/daily-report.ts';

t.test('a day is Beijing midnight to Beijing midnight', async (t) => {
  const p = periodOf('day', '2026-12-01');
  t.equal(p.start.toISOString(), '2026-11-30T16:00:00.000Z');
  t.equal(p.end.toISOString(), '2026-12-01T16:00:00.000Z');
  t.equal(p.firstDay, '2026-12-01');
  t.equal(p.lastDay, '2026-12-01');
  t.equal(beijingDay(new Date('2026-11-30T15:59:59.999Z')), '2026-11-30', 'a minute before Beijing midnight is still the day before');
  t.equal(beijingDay(new Date('2026-11-30T16:00:00Z')), '2026-12-01', 'Beijing midnight opens the day');
  t.equal(yesterdayOf(new Date('2026-11-30T22:10:00Z')), '2026-11-30', '06:10 on 1 December in Beijing reports 30 November');
  t.equal(yesterdayOf(new Date('2026-11-30T15:30:00Z')), '2026-11-29', '23:30 on 30 November in Beijing reports 29 November');
  t.equal(periodOf('day', '2026-12-31').end.toISOString(), '2026-12-31T16:00:00.000Z', 'across the new year');
  t.equal(periodOf('day', '2028-02-29').lastDay, '2028-02-29');
});

t.test('a week is the Monday to Sunday holding the day', async (t) => {
  // 2026-11-23 is a Monday.
  for (const day of ['2026-11-23', '2026-11-25', '2026-11-29']) {
    const p = periodOf('week', day);
    t.equal(p.firstDay, '2026-11-23', day);
    t.equal(p.lastDay, '2026-11-29', day);
    t.equal(p.start.toISOString(), '2026-11-22T16:00:00.000Z');
    t.equal(p.end.toISOString(), '2026-11-29T16:00:00.000Z');
  }
  t.equal(mondayOf('2026-11-30'), '2026-11-30', 'a Monday is its own week’s first day');
  t.equal(mondayOf('2027-01-03'), '2026-12-28', 'a week across the new year');
  t.equal(periodOf('week', '2027-01-03').lastDay, '2027-01-03');
});

t.test('a period is over once its last Beijing day has ended', async (t) => {
  const day = periodOf('day', '2026-12-01');
  t.notOk(isOver(day, new Date('2026-12-01T15:59:59.999Z')));
  t.ok(isOver(day, new Date('2026-12-01T16:00:00Z')));
  const week = periodOf('week', '2026-12-01');
  t.notOk(isOver(week, new Date('2026-12-06T15:59:59Z')), 'not over on Sunday evening');
  t.ok(isOver(week, new Date('2026-12-06T16:00:00Z')), 'over at Monday’s Beijing midnight');
});

t.test('only real calendar days are days', async (t) => {
  for (const bad of ['2026-13-01', '2026-02-30', '2026-1-01', '20261201', '']) t.notOk(isCalendarDay(bad), bad);
  for (const good of ['2026-12-01', '2028-02-29']) t.ok(isCalendarDay(good), good);
});
