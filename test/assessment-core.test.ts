// 考核 core: rates, the weighted score, ranks within a group and the change on the month before, worked by hand.
import t from 'tap';
import {
  assess,
  monthSpan,
  NO_COUNTS,
  previousMonth,
  ranksOf,
  ratesOf,
  scoreOf,
  weightProblems,
  type AssessmentWeights,
  type UnitCounts,
} from '../server/core/assessment.ts';

const WEIGHTS: AssessmentWeights = {
  response: 15,
  resolution: 20,
  satisfaction: 25,
  onTime: 15,
  replyQuality: 10,
  returns: 10,
  objections: 5,
};

/** Every term has a denominator. */
const busy: UnitCounts = {
  received: 10,
  responded: 9,
  resolved: 8,
  rated: 5,
  satisfied: 4,
  onTime: 12,
  late: 2,
  overdue: 1,
  replies: 8,
  repliesPassed: 6,
  inspected: 0,
  inspectionPoints: 0,
  dispatchedOrders: 10,
  returnedOrders: 1,
  upheldObjections: 0,
};

/** No order was rated: 满意率 has no rate. */
const unrated: UnitCounts = {
  ...NO_COUNTS,
  received: 4,
  responded: 4,
  resolved: 2,
  onTime: 3,
  late: 1,
  replies: 2,
  repliesPassed: 2,
  dispatchedOrders: 4,
};

t.test('each rate from its counts; null where the denominator is 0', async (t) => {
  t.same(ratesOf(busy), {
    response: 0.9,
    resolution: 0.8,
    satisfaction: 0.8,
    onTime: 0.8, // 12 / (12 + 2 + 1)
    replyQuality: 0.75,
    returns: 0.1,
    objections: 0,
  });
  t.same(ratesOf(NO_COUNTS), {
    response: null,
    resolution: null,
    satisfaction: null,
    onTime: null,
    replyQuality: null,
    returns: null,
    objections: null,
  });
});

t.test('答复质量: the inspectors’ mean score once they scored any, else the automatic pass rate', async (t) => {
  t.equal(ratesOf(busy).replyQuality, 0.75, 'none inspected: 6 of 8 replies passed the checks');
  t.equal(ratesOf({ ...busy, inspected: 2, inspectionPoints: 170 }).replyQuality, 0.85, 'two scored 90 and 80: mean 85 → 0.85');
  t.equal(
    ratesOf({ ...NO_COUNTS, inspected: 1, inspectionPoints: 60 }).replyQuality,
    0.6,
    'a score without checked replies (直办) still counts',
  );
});

t.test('the score weighs each term; returns and objections count as 1 − rate', async (t) => {
  // 15×0.9 + 20×0.8 + 25×0.8 + 15×0.8 + 10×0.75 + 10×(1 − 0.1) + 5×(1 − 0)
  // = 13.5 + 16 + 20 + 12 + 7.5 + 9 + 5 = 83
  t.equal(scoreOf(ratesOf(busy), WEIGHTS), 83);
  // One more satisfied rating of five: 满意率 0.8 → 1, i.e. +25 × 0.2 = +5 points.
  t.equal(scoreOf(ratesOf({ ...busy, satisfied: 5 }), WEIGHTS), 88);
  // One upheld objection in ten dispatched orders costs 5 × 0.1 = 0.5.
  t.equal(scoreOf(ratesOf({ ...busy, upheldObjections: 1 }), WEIGHTS), 82.5);
});

t.test('a term without a rate is left out and the rest scaled to 100', async (t) => {
  // 15×1 + 20×0.5 + 15×0.75 + 10×1 + 10×1 + 5×1 = 61.25 of the 75 points the unit can earn: 81.666…
  t.equal(scoreOf(ratesOf(unrated), WEIGHTS), 81.67);
  t.equal(scoreOf(ratesOf(NO_COUNTS), WEIGHTS), null, 'no orders, no score');
  const onlySatisfaction = {
    ...WEIGHTS,
    satisfaction: 100,
    response: 0,
    resolution: 0,
    onTime: 0,
    replyQuality: 0,
    returns: 0,
    objections: 0,
  };
  t.equal(scoreOf(ratesOf(unrated), onlySatisfaction), null, 'the only weighted term has no rate');
  t.equal(scoreOf(ratesOf(busy), onlySatisfaction), 80, 'a weight of 0 turns a term off');
});

t.test('ranks: highest first, ties share a rank, the unscored have none', async (t) => {
  const ranks = ranksOf(
    new Map([
      ['a', 90],
      ['b', 85],
      ['c', 90],
      ['d', null],
      ['e', 70],
    ]),
  );
  t.same(Object.fromEntries(ranks), { a: 1, b: 3, c: 1, d: null, e: 4 });
});

t.test('assess: one group per level, ranked within it, against the month before', async (t) => {
  const units = [
    { unitId: 'd1', unitName: '甲区', group: 'district' as const },
    { unitId: 'd2', unitName: '乙区', group: 'district' as const },
    { unitId: 'd3', unitName: '丙区', group: 'district' as const },
    { unitId: 's1', unitName: '某街道', group: 'street' as const },
  ];
  const current = new Map([
    ['d1', unrated], // 81.67
    ['d2', busy], // 83
    ['s1', unrated],
  ]);
  const previous = new Map([
    ['d1', busy], // 83
    ['d2', { ...busy, satisfied: 2 }], // 满意率 0.4: 83 − 25 × 0.4 = 73
    ['d3', busy],
  ]);
  const groups = assess(units, current, previous, WEIGHTS);
  t.same(
    groups.map((g) => [g.level, g.label]),
    [
      ['district', '区'],
      ['street', '街道（乡镇）'],
    ],
    'groups in the fixed order, the empty ones left out',
  );
  const [districts, streets] = groups;
  t.same(
    districts!.units.map((u) => [u.unitId, u.score, u.rank, u.previousScore, u.previousRank, u.scoreChange, u.rankChange]),
    [
      ['d2', 83, 1, 73, 3, 10, 2],
      ['d1', 81.67, 2, 83, 1, -1.33, -1],
      ['d3', null, null, 83, 1, null, null],
    ],
  );
  t.same(districts!.units[0]!.rates, ratesOf(busy));
  t.same(districts!.units[2]!.counts, NO_COUNTS, 'a unit with no orders this month shows zeros');
  t.same(
    streets!.units.map((u) => [u.unitId, u.rank, u.previousRank]),
    [['s1', 1, null]],
    'ranked within its own group only',
  );
  t.equal(assess(units, current, previous, WEIGHTS)[0]!.units[1]!.rates.onTime, 0.75, 'rates rounded to four decimals');
});

t.test('rates are rounded to four decimals in the result', async (t) => {
  const third = { ...NO_COUNTS, received: 3, responded: 1 };
  const [g] = assess([{ unitId: 'x', unitName: '某部门', group: 'city_department' }], new Map([['x', third]]), new Map(), WEIGHTS);
  t.equal(g!.units[0]!.rates.response, 0.3333);
  // 响应率 1/3 and 解决率 0/3: (15 × 1/3 + 20 × 0) of 35 points = 14.2857…; from the rounded 0.3333 it would be 14.28.
  t.equal(g!.units[0]!.score, 14.29, 'the score from the unrounded rates');
});

t.test('the weights must share out 100 points', async (t) => {
  t.same(weightProblems(WEIGHTS), []);
  t.same(weightProblems({ ...WEIGHTS, objections: 4 }), [{ at: ['weights'], reason: 'weights must add up to 100, not 99' }]);
});

t.test('months in Beijing time', async (t) => {
  t.equal(previousMonth('2026-11'), '2026-10');
  t.equal(previousMonth('2026-01'), '2025-12');
  t.same(monthSpan('2026-12'), { start: new Date('2026-11-30T16:00:00Z'), end: new Date('2026-12-31T16:00:00Z') });
  t.same(monthSpan('2024-02').end, new Date('2024-02-29T16:00:00Z'), 'a leap February');
});
