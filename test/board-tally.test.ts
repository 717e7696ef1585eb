// The board's patching (server/desks/board/tally.ts): counts and lists from lines
// loaded once and patched by live events, in any order and any number of times.
import t from 'tap';
import {
  applyEvents,
  lateLists,
  pendingExtensions,
  spanLabel,
  standingOf,
  tallyTree,
  type BoardClock,
  type BoardEvent,
  type Line,
} from '../server/desks/board/tally.ts';

const NOW = Date.parse('2026-12-02T10:00:00Z');
const mins = (m: number) => new Date(NOW + m * 60_000).toISOString();
const ROOT = { id: '120102', path: '120000/120102/' };
const clock = (unitPath: string, dueInMin: number, stage = -1, kind = 'claim'): BoardClock => ({
  kind,
  unitPath,
  dueAt: mins(dueInMin),
  stage,
});

function line(id: number, clocks: BoardClock[], version = 10): Line {
  return {
    id,
    number: `12345-20261202-${String(id).padStart(6, '0')}`,
    status: 'dispatched',
    currentUnitId: clocks[0]?.unitPath.split('/').at(-2) ?? '',
    urgency: 'normal',
    content: `诉求 ${id}`,
    urgeCount: 0,
    supervisedAt: null,
    version,
    clocks,
    extensions: [],
  };
}

function event(
  eventId: number,
  orderId: number,
  action: string,
  clocks: BoardClock[],
  extra: Partial<BoardEvent['board']> = {},
): BoardEvent {
  const type = action.startsWith('sla_') ? (action.includes('overdue') ? 'sla.overdue' : 'sla.warning') : 'order.updated';
  return {
    eventId,
    type,
    action,
    at: mins(0),
    order: { id: orderId, number: `N${orderId}`, status: 'claimed', currentUnitId: 'x', urgency: 'normal' },
    board: { content: `诉求 ${orderId}`, urgeCount: 0, supervisedAt: null, clocks, note: null, extension: null, ...extra },
  };
}

t.test('a clock is overdue once due or once the sweeper fired its overdue stage, at risk once warned', async (t) => {
  t.equal(standingOf(clock('a/', 5), NOW), 'onTime');
  t.equal(standingOf(clock('a/', 5, 0), NOW), 'atRisk');
  t.equal(standingOf(clock('a/', 5, 2), NOW), 'overdue', 'the overdue stage fired: red even if the page clock lags');
  t.equal(standingOf(clock('a/', 0), NOW), 'overdue', 'due at this instant');
});

t.test('the tree counts each clock on every unit above its holder, worst first, zero children kept for folding', async (t) => {
  const lines = [
    line(1, [clock('120000/120102/s1/', 30)]),
    line(2, [clock('120000/120102/s2/c1/', -10), clock('120000/120102/s2/c1/', 60, -1, 'resolve')]),
    line(3, [clock('120000/120102/', 5, 1)]),
    line(4, [clock('120000/120103/', -10)]), // another district: not this board's
  ];
  const tree = tallyTree(lines, ROOT, ['s1', 's2', 's3'], NOW);
  t.same(tree.counts, { onTime: 2, atRisk: 1, overdue: 1 });
  t.same(tree.own, { onTime: 0, atRisk: 1, overdue: 0 }, 'the district holds one itself');
  t.same(
    tree.children.map((c) => c.id),
    ['s2', 's1', 's3'],
    'the street with an overdue clock first, the empty one last',
  );
  const s2 = tree.children[0]!;
  t.same(s2.counts, { onTime: 1, atRisk: 0, overdue: 1 });
  t.same(s2.own, { onTime: 0, atRisk: 0, overdue: 0 }, 'held below it, by the community');
  t.same(s2.children[0]!.counts, s2.counts);
  t.same(tree.children[2]!.counts, { onTime: 0, atRisk: 0, overdue: 0 });
});

t.test('events move the counts: created, warned, sent away, closed', async (t) => {
  const lines = new Map<number, Line>();
  const seen = new Set<number>();
  const counts = () => tallyTree(lines.values(), ROOT, [], NOW).counts;
  applyEvents(lines, [event(11, 7, 'create', [clock('120000/120102/s1/', 60)])], ROOT.path, seen);
  t.same(counts(), { onTime: 1, atRisk: 0, overdue: 0 }, 'an order created in the subtree');
  const strip = applyEvents(lines, [event(12, 7, 'sla_warn_50', [clock('120000/120102/s1/', 60, 0)])], ROOT.path, seen);
  t.same(counts(), { onTime: 0, atRisk: 1, overdue: 0 }, '黄灯 moves it to at risk');
  t.same(
    strip.map((s) => [s.kind, s.label, s.number]),
    [['warning', '黄灯提醒', 'N7']],
  );
  applyEvents(lines, [event(13, 7, 'redispatch', [clock('120000/120103/s9/', 60)])], ROOT.path, seen);
  t.same(counts(), { onTime: 0, atRisk: 0, overdue: 0 }, 'sent to another district: it leaves this board');
  t.equal(lines.size, 0);
  applyEvents(lines, [event(14, 8, 'dispatch', [clock('120000/120102/', 60)]), event(15, 8, 'close', [])], ROOT.path, seen);
  t.equal(lines.size, 0, 'closed: no clock left');
});

t.test('an event already in the loaded line, or seen twice, changes nothing', async (t) => {
  const lines = new Map([[5, line(5, [clock('120000/120102/s1/', 60, 0)], 20)]]);
  const seen = new Set<number>();
  applyEvents(lines, [event(19, 5, 'create', [clock('120000/120102/s1/', 60)])], ROOT.path, seen);
  t.equal(lines.get(5)!.clocks[0]!.stage, 0, 'event 19 is older than the loaded line (version 20)');
  const first = applyEvents(
    lines,
    [event(21, 5, 'urge', [clock('120000/120102/s1/', 60, 0)], { urgeCount: 1, note: '请今天处理' })],
    ROOT.path,
    seen,
  );
  const again = applyEvents(
    lines,
    [event(21, 5, 'urge', [clock('120000/120102/s1/', 60, 0)], { urgeCount: 1, note: '请今天处理' })],
    ROOT.path,
    seen,
  );
  t.same(
    first.map((s) => [s.kind, s.note]),
    [['urge', '请今天处理']],
  );
  t.same(again, [], 'a replayed event is not shown twice');
  t.equal(lines.get(5)!.urgeCount, 1);
  t.equal(lines.get(5)!.version, 21);
});

t.test('extensions asked and decided are patched into the line', async (t) => {
  const lines = new Map<number, Line>();
  const seen = new Set<number>();
  const c = [clock('120000/120102/s1/', 30)];
  applyEvents(lines, [event(30, 9, 'claim', c)], ROOT.path, seen);
  const strip = applyEvents(
    lines,
    [event(31, 9, 'request_extension', c, { note: '需协调物业', extension: { id: 4, clock: 'claim', requestedDueAt: mins(600) } })],
    ROOT.path,
    seen,
  );
  t.same(
    strip.map((s) => s.kind),
    ['extension'],
  );
  t.same(
    pendingExtensions(lines.values()).map((p) => [p.line.id, p.extension.id, p.extension.reason]),
    [[9, 4, '需协调物业']],
  );
  applyEvents(lines, [event(32, 9, 'approve_extension', c, { extension: { id: 4, clock: '', requestedDueAt: null } })], ROOT.path, seen);
  t.same(pendingExtensions(lines.values()), []);
});

t.test('late and at-risk lists: each order once, under its worst clock, longest over first', async (t) => {
  const lines = [
    line(1, [clock('120000/120102/', -5), clock('120000/120102/', -90, -1, 'resolve')]),
    line(2, [clock('120000/120102/', -30)]),
    line(3, [clock('120000/120102/', 20, 0)]),
    line(4, [clock('120000/120102/', 20)]),
  ];
  const { overdue, atRisk } = lateLists(lines, NOW);
  t.same(
    overdue.map((i) => [i.line.id, i.clock.kind, spanLabel(i.overMs)]),
    [
      [1, 'resolve', '1小时30分'],
      [2, 'claim', '30分'],
    ],
  );
  t.same(
    atRisk.map((i) => i.line.id),
    [3],
  );
  t.equal(spanLabel(3 * 86_400_000 + 2 * 3_600_000), '3天2小时');
});
