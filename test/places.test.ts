import t from 'tap';
import { divisions } from '../db/divisions.ts';
import { PlaceIndex, spokenNames } from '../server/core/places.ts';

// The real Tianjin tree, straight from the official division codes.
const index = new PlaceIndex();
for await (const a of divisions('12')) index.add(a.code, a.name, a.level, a.parentCode);
index.build();

t.test('the Tianjin tree has its official size', async (t) => {
  t.equal(index.size, 1 + 16 + 299 + 5617);
  t.same(
    index.get('120101001001')!.path.map((p) => p.name),
    ['天津市', '和平区', '劝业场街道', '花园路社区居委会'],
  );
});

t.test('official suffixes become the names people say', async (t) => {
  t.same(spokenNames('community', '花园路社区居委会'), ['花园路社区居委会', '花园路社区']);
  t.same(spokenNames('community', '信和苑社区居民委员会'), ['信和苑社区居民委员会', '信和苑社区']);
  t.same(spokenNames('community', '东冯庄村委会'), ['东冯庄村委会', '东冯庄村']);
  t.same(spokenNames('community', '杨庄村民委员会'), ['杨庄村民委员会', '杨庄村']);
  t.same(spokenNames('street', '劝业场街道'), ['劝业场街道', '劝业场街']);
  t.same(spokenNames('city', '天津市'), ['天津市', '天津']);
});

const cases: { text: string; code: string | null; ambiguous?: boolean; candidates?: string[] }[] = [
  // district + street + community, all spoken forms
  { text: '我是河东区大王庄街道诚厚里社区的居民，楼道灯坏了', code: '120102001001' },
  // the district omitted, 街 for 街道, 社区 for 社区居委会
  { text: '反映劝业场街花园路社区问题：垃圾没人清', code: '120101001001' },
  // a village said without 村委会, no district, no town
  { text: '地址在东冯庄村，村口的路坏了', code: '120115107214' },
  // only a district
  { text: '南开区有一家饭店油烟很大', code: '120104' },
  // a street alone
  { text: '大王庄街道这边停水了', code: '120102001' },
  // a name in several places, nothing to pin it down: candidates, no area
  {
    text: '我们杨庄村的路灯都不亮了',
    code: null,
    ambiguous: true,
    candidates: ['120114110208', '120114119213', '120115008216', '120117103229', '120119112201'],
  },
  // the same name pinned down by the district
  { text: '宝坻区杨庄村的路灯都不亮了', code: '120115008216' },
  // and by the town
  { text: '苗庄镇杨庄村的路灯都不亮了', code: '120117103229' },
  // two streets of one name in two districts
  { text: '海滨街道有人占道经营', code: null, ambiguous: true, candidates: ['120115001', '120116054'] },
  { text: '滨海新区海滨街道有人占道经营', code: '120116054' },
  // nothing
  { text: '我要投诉一个商家', code: null },
];

for (const c of cases) {
  t.test(c.text, async (t) => {
    const r = index.resolve(c.text);
    t.equal(r.area?.code ?? null, c.code, 'area');
    t.equal(r.ambiguous, c.ambiguous ?? false, 'ambiguous');
    if (c.candidates)
      t.same(
        r.candidates.map((a) => a.code),
        c.candidates,
        'candidates',
      );
  });
}

t.test('ambiguity inside a named district keeps the district', async (t) => {
  // 杨庄村 occurs twice in 武清区 (城关镇 and 陈咀镇)
  const r = index.resolve('武清区杨庄村有人焚烧垃圾');
  t.ok(r.ambiguous);
  t.equal(r.area?.code, '120114', 'the district the text named');
  t.same(
    r.candidates.map((a) => a.code),
    ['120114110208', '120114119213'],
  );
});

t.test('full-width and mixed text still matches', async (t) => {
  t.equal(index.resolve('地址：河东区　大王庄街道（诚厚里社区）３号楼').area?.code, '120102001001');
});
