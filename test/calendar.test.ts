// The calendar must not depend on the machine's zone: run it somewhere far from Beijing.
process.env.TZ = 'America/Los_Angeles';

import t from 'tap';
import { WorkCalendar, type Duration } from '../server/core/calendar.ts';
import { loadChineseDays } from '../server/rules/calendar.ts';

/** A Beijing wall-clock time, 'YYYY-MM-DD HH:MM[:SS.mmm]', as an instant. */
const bj = (s: string) => {
  const [date, time = '00:00'] = s.split(' ');
  return new Date(`${date}T${time.length === 5 ? `${time}:00` : time}+08:00`);
};
const cal = loadChineseDays();
const wd = (amount: number): Duration => ({ amount, unit: 'working_days' });
const wh = (amount: number): Duration => ({ amount, unit: 'working_hours' });

t.test('5 working days after 2026-09-24 end with 2026-10-09 (中秋 + 国庆)', async (t) => {
  for (const start of ['2026-09-24 00:00', '2026-09-24 10:30', '2026-09-24 23:59:59.999']) {
    t.same(cal.add(bj(start), wd(5)), bj('2026-10-10 00:00'), `from ${start}`);
  }
  t.equal(cal.add(bj('2026-09-24 10:30'), wd(5)).toISOString(), '2026-10-09T16:00:00.000Z', '24:00 Beijing as an instant');
  t.equal(cal.holidayName(bj('2026-09-25 12:00')), '中秋');
  t.equal(cal.holidayName(bj('2026-10-03 12:00')), '国庆节');
  t.equal(cal.holidayName(bj('2026-09-24 12:00')), null);
});

t.test('make-up working days (调休) count, even on a weekend', async (t) => {
  t.ok(cal.isWorkday(bj('2026-09-20 12:00')), '2026-09-20 is a Sunday worked');
  t.ok(cal.isWorkday(bj('2026-10-10 12:00')), '2026-10-10 is a Saturday worked');
  t.same(cal.add(bj('2026-10-09 15:00'), wd(1)), bj('2026-10-11 00:00'), 'the day after 10-09 is Saturday 10-10, worked');
  t.same(cal.add(bj('2026-09-18 15:00'), wd(1)), bj('2026-09-21 00:00'), 'Friday 09-18 + 1 is Sunday 09-20, worked');
  t.same(cal.add(bj('2026-10-10 09:00'), wh(10)), bj('2026-10-12 11:00'), 'office hours on the make-up Saturday count');
});

t.test('an ordinary weekend is skipped', async (t) => {
  t.notOk(cal.isWorkday(bj('2026-03-14 12:00')), 'Saturday');
  t.notOk(cal.isWorkday(bj('2026-03-15 12:00')), 'Sunday');
  t.notOk(cal.isHoliday(bj('2026-03-14 12:00')), 'a weekend is not a holiday');
  t.same(cal.add(bj('2026-03-13 16:00'), wd(1)), bj('2026-03-17 00:00'), 'Friday + 1 working day = end of Monday');
  t.same(cal.add(bj('2026-03-14 11:00'), wd(1)), bj('2026-03-17 00:00'), 'Saturday + 1 working day = end of Monday');
  t.same(cal.add(bj('2026-03-10 08:00'), wd(3)), bj('2026-03-14 00:00'));
});

t.test('working hours count office hours on working days only', async (t) => {
  t.same(cal.add(bj('2026-03-13 15:00'), wh(4)), bj('2026-03-16 11:00'), 'across a weekend');
  t.same(cal.add(bj('2026-03-10 16:00'), wh(3)), bj('2026-03-11 11:00'), 'across a night');
  t.same(cal.add(bj('2026-03-10 07:00'), wh(1)), bj('2026-03-10 10:00'), 'before opening: from the opening');
  t.same(cal.add(bj('2026-03-10 20:00'), wh(1)), bj('2026-03-11 10:00'), 'after closing: from the next opening');
  t.same(cal.add(bj('2026-03-14 10:00'), wh(1)), bj('2026-03-16 10:00'), 'on a Saturday: from Monday');
  t.same(cal.add(bj('2026-03-10 09:00'), wh(8)), bj('2026-03-10 17:00'), 'a full day ends at closing, not next morning');
  t.same(cal.add(bj('2026-09-30 16:30'), wh(1)), bj('2026-10-08 09:30'), 'across National Day');
  t.same(cal.add(bj('2026-03-10 16:00'), { amount: 1.5, unit: 'working_hours' }), bj('2026-03-11 09:30'));
  t.equal(cal.workingMsBetween(bj('2026-03-13 15:00'), bj('2026-03-16 11:00')), 4 * 3_600_000);

  const long = new WorkCalendar({ holidays: {}, workdays: {} }, { officeHours: { open: '08:30', close: '17:30' } });
  t.same(long.add(bj('2026-03-10 17:00'), wh(1)), bj('2026-03-11 09:00'), 'office hours are configurable');
  t.throws(() => new WorkCalendar({ holidays: {}, workdays: {} }, { officeHours: { open: '18:00', close: '09:00' } }));
  t.throws(() => new WorkCalendar({ holidays: {}, workdays: {} }, { officeHours: { open: '9h', close: '17:00' } }));
});

t.test('natural durations run through holidays unchanged', async (t) => {
  const start = bj('2026-09-30 12:00');
  t.same(cal.add(start, { amount: 3, unit: 'days' }), bj('2026-10-03 12:00'));
  t.same(cal.add(start, { amount: 90, unit: 'minutes' }), bj('2026-09-30 13:30'));
  t.same(cal.add(start, { amount: 48, unit: 'hours' }), bj('2026-10-02 12:00'));
  t.same(cal.add(bj('2026-10-01 23:50'), { amount: 15, unit: 'minutes' }), bj('2026-10-02 00:05'), 'midnight on a holiday');
});

t.test('2026 from the data: 33 holiday days, 6 make-up working days', async (t) => {
  let holidays = 0;
  const makeUp: string[] = [];
  for (let d = bj('2026-01-01 12:00'); d < bj('2027-01-01 00:00'); d = new Date(d.getTime() + 86_400_000)) {
    if (cal.isHoliday(d)) {
      holidays++;
      t.notOk(cal.isWorkday(d));
    }
    const weekend = [0, 6].includes(new Date(d.getTime() + 8 * 3_600_000).getUTCDay());
    if (weekend && cal.isWorkday(d)) makeUp.push(new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10));
  }
  t.equal(holidays, 33);
  t.same(makeUp, ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  t.ok(cal.covers(bj('2026-06-01 12:00')));
});

t.test('Beijing dates, whatever the machine zone', async (t) => {
  // 2026-09-24T17:00Z is 01:00 on 09-25 in Beijing: Mid-Autumn, a holiday.
  t.notOk(cal.isWorkday(new Date('2026-09-24T17:00:00Z')));
  t.ok(cal.isWorkday(new Date('2026-09-24T15:59:59Z')));
  t.same(cal.add(new Date('2026-03-13T16:30:00Z'), wd(1)), bj('2026-03-17 00:00'), '00:30 Saturday in Beijing, though Friday in UTC');
});

t.test('beyond the data: plain weekday/weekend rules', async (t) => {
  t.notOk(cal.covers(bj('2031-10-01 12:00')));
  t.ok(cal.isWorkday(bj('2031-10-01 12:00')), 'no National Day data for 2031: a Wednesday is worked');
  t.notOk(cal.isWorkday(bj('2031-10-04 12:00')), 'a Saturday is not');
  t.same(cal.add(bj('2031-10-03 10:00'), wd(1)), bj('2031-10-07 00:00'));
});

t.test('elapsed fraction and its inverse', async (t) => {
  const start = bj('2026-09-24 10:00');
  const due = cal.add(start, wd(5));
  // Office time: 7h on 09-24, 8h each on 09-28, 09-29, 09-30, 10-08 and 10-09: 47h.
  t.equal(cal.workingMsBetween(start, due), 47 * 3_600_000);
  t.same(cal.instantAtFraction(start, due, 0.5), bj('2026-09-30 09:30'));
  t.same(cal.instantAtFraction(start, due, 0.8), bj('2026-10-08 15:36'));
  t.equal(cal.elapsedFraction(start, due, bj('2026-09-30 09:30')), 0.5);
  t.equal(cal.elapsedFraction(start, due, bj('2026-10-03 12:00')), 31 / 47, 'the holiday does not count');
  t.equal(cal.elapsedFraction(start, due, bj('2026-10-09 20:00')), 1, 'office time is over before 24:00');
  t.equal(cal.elapsedFraction(start, due, bj('2026-09-01 00:00')), 0);
  t.equal(cal.elapsedFraction(start, due, bj('2026-10-12 00:00')), 1);

  const natural = cal.elapsedFraction(bj('2026-10-01 10:00'), bj('2026-10-01 10:15'), bj('2026-10-01 10:03'), 'natural');
  t.equal(natural, 0.2);
  t.same(cal.instantAtFraction(bj('2026-10-01 10:00'), bj('2026-10-01 10:15'), 0.8, 'natural'), bj('2026-10-01 10:12'));
  // A working span without office time has only natural time to go by.
  t.equal(cal.elapsedFraction(bj('2026-10-01 10:00'), bj('2026-10-01 12:00'), bj('2026-10-01 11:00')), 0.5);
});

t.test('bad data and durations are refused', async (t) => {
  t.throws(() => new WorkCalendar({ holidays: { '2026-10-10': 'x' }, workdays: { '2026-10-10': 'y' } }), /both/);
  t.throws(() => new WorkCalendar({ holidays: { '2026-02-30': 'x' }, workdays: {} }), /not a YYYY-MM-DD/);
  t.throws(() => cal.add(bj('2026-03-10 10:00'), { amount: 1.5, unit: 'working_days' }), RangeError);
  t.throws(() => cal.add(bj('2026-03-10 10:00'), { amount: -1, unit: 'hours' }), RangeError);
  const empty = new WorkCalendar({ holidays: {}, workdays: {} });
  t.equal(empty.years, null);
  t.notOk(empty.covers(bj('2026-01-01 12:00')));
});
