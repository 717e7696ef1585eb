import t from 'tap';
import { type Automaton, AutomatonBuilder, type Match } from '../server/core/automaton.ts';

const build = (patterns: [string, number][]): Automaton => {
  const b = new AutomatonBuilder();
  for (const [p, id] of patterns) b.add(p, id);
  return b.build();
};

const triples = (ms: Match[]): string[] => ms.map((m) => `${m.id}:${m.start}-${m.end}`);

// mulberry32: a tiny seeded PRNG so failures are reproducible.
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};

/** Every occurrence via indexOf, ordered as scan promises: end, then longer first, then add order. */
const naive = (patterns: [string, number][], text: string): string[] => {
  const seen = new Set<string>();
  const found: { id: number; start: number; end: number; order: number }[] = [];
  patterns.forEach(([p, id], order) => {
    if (p === '' || seen.has(`${p}\u0000${id}`)) return;
    seen.add(`${p}\u0000${id}`);
    for (let at = text.indexOf(p); at >= 0; at = text.indexOf(p, at + 1)) found.push({ id, start: at, end: at + p.length, order });
  });
  found.sort((a, b) => a.end - b.end || a.start - b.start || a.order - b.order);
  return found.map((m) => `${m.id}:${m.start}-${m.end}`);
};

t.test('classic he/she/his/hers in "ushers"', async (t) => {
  const a = build([
    ['he', 0],
    ['she', 1],
    ['his', 2],
    ['hers', 3],
  ]);
  t.equal(a.patternCount, 4);
  t.same(a.findAll('ushers'), [
    { start: 1, end: 4, id: 1 },
    { start: 2, end: 4, id: 0 },
    { start: 2, end: 6, id: 3 },
  ]);
  t.same(triples(a.findAll('ahishers')), ['2:1-4', '1:3-6', '0:4-6', '3:4-8']);
});

t.test('overlapping and nested Chinese place names', async (t) => {
  const a = build([
    ['大王庄街', 1],
    ['大王庄街道', 2],
    ['王庄', 3],
    ['天星河畔社区', 4],
    ['社区', 5],
    ['河', 6],
  ]);
  const text = '我住大王庄街道天星河畔社区';
  const ms = a.findAll(text);
  t.same(
    ms.map((m) => [m.id, text.slice(m.start, m.end)]),
    [
      [3, '王庄'],
      [1, '大王庄街'],
      [2, '大王庄街道'],
      [6, '河'],
      [4, '天星河畔社区'],
      [5, '社区'],
    ],
  );
});

t.test('one pattern with several ids reports each id, in add order', async (t) => {
  const a = build([
    ['和平区', 7],
    ['和平', 1],
    ['和平区', 3],
    ['和平区', 5],
  ]);
  t.equal(a.patternCount, 4);
  t.same(triples(a.findAll('天津市和平区')), ['1:3-5', '7:3-6', '3:3-6', '5:3-6']);

  // Many ids on one pattern, repeats included, still come out once each in add order.
  const many: [string, number][] = [];
  for (let i = 0; i < 60; i++) many.push(['河西区', (i * 7) % 25]);
  const expected = [...new Set(many.map(([, id]) => id))].map((id) => `${id}:0-3`);
  t.same(triples(build(many).findAll('河西区')), expected);
  t.equal(build(many).patternCount, 25);
});

t.test('an exact duplicate add is kept once; empty patterns are ignored', async (t) => {
  const a = build([
    ['路灯', 1],
    ['路灯', 1],
    ['', 2],
    ['路灯', 2],
    ['路灯', 1],
  ]);
  t.equal(a.patternCount, 2);
  t.same(triples(a.findAll('路灯不亮，路灯')), ['1:0-2', '2:0-2', '1:5-7', '2:5-7']);
});

t.test('empty text, no match, empty automaton', async (t) => {
  const a = build([['噪音', 1]]);
  t.same(a.findAll(''), []);
  t.same(a.findAll('路灯坏了一个月没人修'), []);
  const empty = new AutomatonBuilder().build();
  t.equal(empty.patternCount, 0);
  t.equal(empty.stateCount, 1);
  t.same(empty.findAll('anything'), []);
});

t.test('ids must be non-negative 32-bit integers', async (t) => {
  const b = new AutomatonBuilder();
  t.throws(() => b.add('x', -1), RangeError);
  t.throws(() => b.add('x', 1.5), RangeError);
  t.throws(() => b.add('x', 2 ** 31), RangeError);
  b.add('x', 2 ** 31 - 1);
  t.same(triples(b.build().findAll('x')), [`${2 ** 31 - 1}:0-1`]);
});

t.test('scan reports the same as findAll and works on a shared automaton', async (t) => {
  const a = build([
    ['ab', 0],
    ['b', 1],
    ['abc', 2],
  ]);
  const got: string[] = [];
  a.scan('xabcab', (id, start, end) => got.push(`${id}:${start}-${end}`));
  t.same(got, triples(a.findAll('xabcab')));
  t.same(got, ['0:1-3', '1:2-3', '2:1-4', '0:4-6', '1:5-6']);
});

t.test('long patterns sharing a long prefix', async (t) => {
  const long = '路'.repeat(3000);
  const a = build([
    [long, 1],
    [`${long.slice(1)}灯`, 2],
    ['路灯', 3],
  ]);
  t.same(triples(a.findAll(`${long}灯`)), ['1:0-3000', '2:1-3001', '3:2999-3001']);
});

t.test('randomized differential test against an indexOf matcher', async (t) => {
  const rand = prng(12345);
  const pick = (alphabet: string, min: number, max: number) => {
    let s = '';
    for (let n = min + Math.floor(rand() * (max - min + 1)); n > 0; n--) s += alphabet[Math.floor(rand() * alphabet.length)];
    return s;
  };
  // Pattern sets above a few thousand also exercise the radix-sorted build path.
  const cases = [
    ['ab', 40],
    ['abc', 300],
    ['街道村社区', 300],
    ['abcdefgh', 600],
    ['abcd', 3000],
    ['区县镇乡村街道', 4000],
  ] as const;
  for (const [alphabet, patternCount] of cases) {
    const patterns: [string, number][] = [];
    for (let i = 0; i < patternCount; i++) {
      const r = rand();
      // Some repeats with a new id, some exact repeats, some empties, to cover every path.
      if (r < 0.05 && patterns.length) patterns.push([patterns[Math.floor(rand() * patterns.length)]![0], i]);
      else if (r < 0.08 && patterns.length) patterns.push(patterns[Math.floor(rand() * patterns.length)]!);
      else if (r < 0.09) patterns.push(['', i]);
      else patterns.push([pick(alphabet, 1, 7), i]);
    }
    const a = build(patterns);
    let mismatches = 0;
    for (let round = 0; round < 200; round++) {
      const text = pick(alphabet, 0, 80);
      const want = naive(patterns, text);
      const got = triples(a.findAll(text));
      if (want.join() !== got.join() && mismatches++ < 3) t.same(got, want, `alphabet ${alphabet}, text ${text}`);
    }
    t.equal(mismatches, 0, `alphabet ${alphabet}: ${patternCount} patterns, 200 texts agree with indexOf`);
  }
});

t.test('200,000 random CJK patterns build and are all findable', async (t) => {
  const rand = prng(2024);
  const cjk = () => String.fromCharCode(0x4e00 + Math.floor(rand() * (0x9fff - 0x4e00 + 1)));
  const patterns: string[] = [];
  const b = new AutomatonBuilder();
  for (let i = 0; i < 200_000; i++) {
    let p = '';
    for (let n = 3 + Math.floor(rand() * 6); n > 0; n--) p += cjk();
    patterns.push(p);
    b.add(p, i);
  }
  const a = b.build();
  t.equal(a.patternCount, new Set(patterns.map((p, i) => `${p}\u0000${i}`)).size);
  t.ok(a.stateCount > 200_000 && a.stateCount <= 1 + patterns.reduce((n, p) => n + p.length, 0));
  let missing = 0;
  for (let k = 0; k < 2000; k++) {
    const id = Math.floor(rand() * patterns.length);
    const p = patterns[id]!;
    const text = `市民反映${p}附近${cjk()}${cjk()}`;
    if (!a.findAll(text).some((m) => m.id === id && m.start === 4 && m.end === 4 + p.length)) missing++;
  }
  t.equal(missing, 0, 'every sampled pattern is found at its position');
});
