/** The code lists the pages read: the core's own tables, in the core's order, for anyone. */
import t from 'tap';
import { ROLES } from '../server/core/access.ts';
import { CLOCK_KINDS, CLOCK_LABELS, CLOCK_STANDINGS, STAGES } from '../server/core/deadlines.ts';
import { STATUSES, STATUS_LABELS } from '../server/core/lifecycle.ts';
import { URGENCIES } from '../server/core/lists.ts';
import { testApp } from './support/app.ts';

t.test('GET /api/meta/labels serves the core’s lists with their labels, without sign-in', async (t) => {
  const h = await testApp(t);
  const res = await h.app.inject('/api/meta/labels');
  t.equal(res.statusCode, 200);
  t.match(res.headers['cache-control'], /max-age=/);
  const body = res.json();
  const codes = (list: { code: string }[]) => list.map((e) => e.code);
  t.same(codes(body.statuses), [...STATUSES]);
  t.same(
    body.clockKinds,
    CLOCK_KINDS.map((code) => ({ code, label: CLOCK_LABELS[code] })),
    'the board’s columns, in order',
  );
  t.same(codes(body.stages), [...STAGES]);
  t.same(
    body.stages.map((s: { signal: string }) => s.signal),
    ['warning', 'warning', 'overdue', 'escalated', 'escalated'],
  );
  t.same(codes(body.standings), [...CLOCK_STANDINGS]);
  t.same(codes(body.roles), [...ROLES]);
  t.same(codes(body.urgencies), [...URGENCIES]);
  t.equal(body.statuses.find((s: { code: string }) => s.code === 'claimed').label, STATUS_LABELS.claimed);
  t.equal((await h.app.inject('/api/meta/labels?evil=1')).statusCode, 400, 'unknown query parameters are refused');
});
