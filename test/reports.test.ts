/**
 * Reports over a small history made through the API, with a clock the test moves:
 * exact counts per unit, CSV, who may see what, and bad input.
 */
import t from 'tap';
import { toCsv } from '../server/routes/reports.schema.ts';
import { type Client, ok, signIn, testApp, type TestApp } from './support/app.ts';

const CITY = '120000';
const DISTRICT = '120102'; // 河东区
const STREET = '120102001'; // 大王庄街道
const OTHER = '120103'; // 河西区
const T0 = Date.parse('2026-11-24T02:00:00Z'); // Tuesday 10:00 in Beijing
const HOUR = 3600_000;
const NOV = 'from=2026-11-01&to=2026-11-30';

/**
 * The history (N = November in Beijing time):
 * A N  district claims, replies, closed 满意
 * B N  district claims, hands down to the street, street claims and replies, reopened (不满意)
 * C N  district returns it (wrong_area); dispatched to 河西区, claimed, replied, closed 基本满意
 * D N  urgent, at the district, never claimed
 * E N  registered only, at the hotline
 * H N  merged into B
 * R N  district returns it (not_our_jurisdiction); left at the hotline
 * L N  urgent, the district claims late and replies exactly at the deadline
 * G N  registered 2026-11-30 23:30 in Beijing, at the district
 * F    registered in October; G2 registered 2026-12-01 00:10 in Beijing
 */
async function history(h: TestApp) {
  // Sessions last hours and the clock jumps days, so everyone signs in again at each jump.
  let desk!: Client, district!: Client, street!: Client, other!: Client;
  const at = async (ms: number) => {
    h.clock.set(new Date(ms));
    [desk, district, street, other] = await Promise.all([
      signIn(h, ['operator', 'dispatcher']),
      signIn(h, ['handler'], DISTRICT),
      signIn(h, ['handler'], STREET),
      signIn(h, ['handler'], OTHER),
    ]);
  };
  const act = (c: Client, id: number, action: string, body?: object) => ok(c.post(`/api/orders/${id}/actions/${action}`, body));
  const order = async (extra: object, dispatchTo?: string) => {
    const o = await ok(
      desk.post('/api/orders', {
        channel: 'phone',
        content: '楼道里堆满杂物',
        categoryCode: 'housing.property',
        areaCode: '120102001001',
        ...extra,
      }),
    );
    if (dispatchTo) {
      await act(desk, o.id, 'accept');
      await act(desk, o.id, 'dispatch', { unitId: dispatchTo });
    }
    return o.id as number;
  };

  await at(Date.parse('2026-10-30T02:00:00Z'));
  const F = await order({}, DISTRICT);
  await act(district, F, 'claim');

  await at(T0);
  const A = await order({}, DISTRICT);
  const B = await order({}, DISTRICT);
  const C = await order({ categoryCode: 'env.construction_noise', areaCode: '120103001' }, DISTRICT);
  await order({ urgency: 'urgent', content: '楼道里闻到很浓的煤气味', areaCode: '120102001002' }, DISTRICT);
  await order({ categoryCode: 'env.construction_noise', areaCode: '120103001' }); // E
  const H = await order({}, DISTRICT);
  const R = await order({ categoryCode: 'urban.street_light' }, DISTRICT);
  const L = await order({ urgency: 'urgent', content: '电梯困人', categoryCode: 'housing.elevator', areaCode: '120102001002' }, DISTRICT);

  await at(T0 + HOUR);
  await act(district, A, 'claim');
  await act(district, B, 'claim');
  await act(district, B, 'hand_down', { unitId: STREET });
  await act(district, C, 'return', { reasonCode: 'wrong_area' });
  await act(desk, C, 'dispatch', { unitId: OTHER });
  await act(desk, H, 'merge', { masterId: B });
  await act(district, R, 'return', { reasonCode: 'not_our_jurisdiction', reason: '属供电公司' });
  await act(district, L, 'claim'); // 15 minutes allowed: late

  await at(T0 + 2 * HOUR);
  await act(district, A, 'reply', { text: '已安排物业清理楼道杂物，通道恢复畅通' });
  await act(street, B, 'claim');
  await act(other, C, 'claim');
  await act(district, L, 'reply', { text: '维保人员已到场，电梯被困人员已安全救出' }); // first reply: 1 hour from the claim, exactly at the deadline

  await at(T0 + 3 * HOUR);
  await act(desk, A, 'close', { satisfaction: 'satisfied' });
  await act(street, B, 'reply', { text: '已协调物业公司清理楼道里堆放的杂物' });
  await act(other, C, 'reply', { text: '经现场核实，已责令违规堆放杂物的单位停工清理' });

  await at(T0 + 4 * HOUR);
  await act(desk, B, 'reopen', { reason: '杂物仍在' });
  await act(desk, C, 'close', { satisfaction: 'basically_satisfied' });

  await at(Date.parse('2026-11-30T15:30:00Z'));
  await order({ areaCode: '120102001003' }, DISTRICT); // G
  await at(Date.parse('2026-11-30T16:10:00Z'));
  await order({}, DISTRICT); // G2

  await at(Date.parse('2026-12-03T02:00:00Z')); // the report is made on Thursday 10:00
  return { desk };
}

type Row = Record<string, any>;
const byUnit = (rows: Row[], unitId: string, scope = 'child') => rows.find((r) => r.unitId === unitId && r.scope === scope)!;
const pick = (r: Row, keys: string[]) => Object.fromEntries(keys.map((k) => [k, r[k]]));
const RATE_KEYS = ['received', 'responded', 'resolved', 'rated', 'satisfied', 'responseRate', 'resolutionRate', 'satisfactionRate'];
const clockRow = (rows: Row[], unitId: string, scope: string, clock: string) => {
  const r = rows.find((x) => x.unitId === unitId && x.scope === scope && x.clock === clock)!;
  return [r.onTime, r.late, r.overdue, r.running, r.onTimeRate];
};

/** Enough of RFC 4180 to read back what the service wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(cell), (cell = ''));
    else if (ch === '\r' && text[i + 1] === '\n') (row.push(cell), rows.push(row), (row = []), (cell = ''), i++);
    else cell += ch;
  }
  return rows;
}

t.test('the reports count the history exactly', async (t) => {
  const h = await testApp(t);
  const { desk } = await history(h);
  const city = await signIn(h, ['supervisor'], CITY);
  const districtSupervisor = await signIn(h, ['supervisor'], DISTRICT);

  t.test('三率 per unit, the orders counted where they are held now', async (t) => {
    const res = await ok(city.get(`/api/reports/rates?${NOV}&unit=${CITY}`));
    t.same(res.unit, { id: CITY, name: res.unit.name });
    t.equal(res.at, '2026-12-03T02:00:00.000Z');
    t.same(pick(byUnit(res.rows, DISTRICT), RATE_KEYS), {
      received: 5,
      responded: 3,
      resolved: 1,
      rated: 2,
      satisfied: 1,
      responseRate: 0.6,
      resolutionRate: 0.2,
      satisfactionRate: 0.5,
    });
    t.same(pick(byUnit(res.rows, OTHER), RATE_KEYS), {
      received: 1,
      responded: 1,
      resolved: 1,
      rated: 1,
      satisfied: 1,
      responseRate: 1,
      resolutionRate: 1,
      satisfactionRate: 1,
    });
    t.same(pick(byUnit(res.rows, CITY, 'self'), RATE_KEYS), {
      received: 0,
      responded: 0,
      resolved: 0,
      rated: 0,
      satisfied: 0,
      responseRate: null,
      resolutionRate: null,
      satisfactionRate: null,
    });
    t.same(pick(byUnit(res.rows, CITY, 'total'), RATE_KEYS), {
      received: 6,
      responded: 4,
      resolved: 2,
      rated: 3,
      satisfied: 2,
      responseRate: 0.6667,
      resolutionRate: 0.3333,
      satisfactionRate: 0.6667,
    });
    t.equal(res.rows[0].scope, 'self', 'the unit itself first');
    t.equal(res.rows.at(-1).scope, 'total', 'the total last');
    t.equal(res.rows.filter((r: Row) => r.scope === 'child').length, res.rows.length - 2);
    t.equal(
      res.rows.filter((r: Row) => r.scope === 'child').reduce((n: number, r: Row) => n + r.received, 0),
      6,
      'the children add up to the total',
    );

    const mine = await ok(districtSupervisor.get(`/api/reports/rates?${NOV}`));
    t.equal(mine.unit.id, DISTRICT, 'by default one’s own unit');
    t.same(pick(byUnit(mine.rows, DISTRICT, 'self'), RATE_KEYS), {
      received: 4,
      responded: 2,
      resolved: 1,
      rated: 1,
      satisfied: 1,
      responseRate: 0.5,
      resolutionRate: 0.25,
      satisfactionRate: 1,
    });
    t.same(pick(byUnit(mine.rows, STREET), RATE_KEYS), {
      received: 1,
      responded: 1,
      resolved: 0,
      rated: 1,
      satisfied: 0,
      responseRate: 1,
      resolutionRate: 0,
      satisfactionRate: 0,
    });

    const whole = await ok(desk.get(`/api/reports/rates?${NOV}`));
    t.equal(whole.unit.id, 'hotline', 'the desk sees the whole city');
    t.same(
      pick(byUnit(whole.rows, 'hotline', 'self'), ['received', 'responded', 'satisfactionRate']),
      { received: 2, responded: 0, satisfactionRate: null },
      'E and R wait at the hotline',
    );
    t.equal(byUnit(whole.rows, CITY).received, 6);
    t.equal(byUnit(whole.rows, 'hotline', 'total').received, 8);

    const dec1 = await ok(districtSupervisor.get('/api/reports/rates?from=2026-12-01&to=2026-12-01'));
    t.equal(byUnit(dec1.rows, DISTRICT, 'total').received, 1, 'G2 belongs to 1 December in Beijing, G to 30 November');
    const oct = await ok(districtSupervisor.get('/api/reports/rates?from=2026-10-01&to=2026-10-31'));
    t.same(pick(byUnit(oct.rows, DISTRICT, 'self'), ['received', 'responded']), { received: 1, responded: 1 }, 'F');
  });

  t.test('on time per unit and clock, stopped clocks counted for the unit that stopped them', async (t) => {
    const res = await ok(districtSupervisor.get(`/api/reports/on-time?${NOV}&unit=${DISTRICT}`));
    // [onTime, late, overdue, running, onTimeRate]
    t.same(clockRow(res.rows, DISTRICT, 'self', 'claim'), [2, 1, 2, 0, 0.4], 'A and R (returned in time) on time, L late, D and G overdue');
    t.same(clockRow(res.rows, DISTRICT, 'self', 'first_reply'), [1, 1, 0, 0, 0.5], 'L replied at the deadline instant: late');
    t.same(clockRow(res.rows, DISTRICT, 'self', 'resolve'), [1, 0, 2, 1, 0.3333]);
    t.same(clockRow(res.rows, DISTRICT, 'self', 'transfer'), [0, 0, 0, 0, null], 'dispatching is the hotline’s clock, not the receiver’s');
    t.same(clockRow(res.rows, DISTRICT, 'self', 'all'), [4, 2, 4, 1, 0.4]);
    t.same(clockRow(res.rows, STREET, 'child', 'claim'), [0, 0, 1, 0, 0], 'B’s claim clock restarted by the reopen');
    t.same(clockRow(res.rows, STREET, 'child', 'all'), [1, 0, 2, 0, 0.3333]);
    t.same(clockRow(res.rows, DISTRICT, 'total', 'all'), [5, 2, 6, 1, 0.3846]);
    t.same(clockRow(res.rows, DISTRICT, 'total', 'first_reply'), [2, 1, 0, 0, 0.6667]);

    const whole = await ok(desk.get(`/api/reports/on-time?${NOV}&unit=hotline`));
    t.same(clockRow(whole.rows, 'hotline', 'self', 'accept'), [7, 0, 1, 0, 0.875], 'E never accepted');
    t.same(clockRow(whole.rows, 'hotline', 'self', 'transfer'), [6, 0, 1, 0, 0.8571], 'R waits for re-dispatch');
    t.same(clockRow(whole.rows, 'hotline', 'self', 'claim'), [0, 0, 0, 0, null]);
    t.same(clockRow(whole.rows, CITY, 'child', 'all'), [8, 2, 6, 1, 0.5], 'the district plus C in 河西区');
    t.same(
      clockRow(whole.rows, CITY, 'child', 'claim'),
      clockRow((await ok(city.get(`/api/reports/on-time?${NOV}&unit=${CITY}`))).rows, CITY, 'total', 'claim'),
    );
  });

  t.test('returns per returning unit, reopens per unit told to redo', async (t) => {
    const res = await ok(city.get(`/api/reports/returns?${NOV}&unit=${CITY}`));
    const d = byUnit(res.rows, DISTRICT);
    const keys = ['dispatchedOrders', 'returns', 'returnedOrders', 'returnRate', 'reopens', 'reopenedOrders', 'reopenRate'];
    t.same(pick(d, keys), {
      dispatchedOrders: 8,
      returns: 2,
      returnedOrders: 2,
      returnRate: 0.25,
      reopens: 1,
      reopenedOrders: 1,
      reopenRate: 0.125,
    });
    t.same(d.returnsByReason, { not_our_jurisdiction: 1, wrong_area: 1, duplicate: 0, insufficient_information: 0, other: 0 });
    t.same(pick(byUnit(res.rows, OTHER), ['dispatchedOrders', 'returns', 'reopens', 'returnRate']), {
      dispatchedOrders: 1,
      returns: 0,
      reopens: 0,
      returnRate: 0,
    });
    t.equal(byUnit(res.rows, CITY, 'total').dispatchedOrders, 8, 'C went to both districts: once in the total');
    t.equal(byUnit(res.rows, CITY, 'self').returnRate, null);

    const mine = await ok(districtSupervisor.get(`/api/reports/returns?${NOV}`));
    t.same(pick(byUnit(mine.rows, DISTRICT, 'self'), ['dispatchedOrders', 'returns', 'reopens']), {
      dispatchedOrders: 8,
      returns: 2,
      reopens: 0,
    });
    t.same(pick(byUnit(mine.rows, STREET), ['dispatchedOrders', 'returns', 'reopens', 'reopenRate']), {
      dispatchedOrders: 1,
      returns: 0,
      reopens: 1,
      reopenRate: 1,
    });
  });

  t.test('top categories and areas', async (t) => {
    const cats = await ok(city.get(`/api/reports/top?${NOV}&unit=${CITY}&by=category&limit=2`));
    t.same(pick(cats, ['by', 'level', 'total', 'unplaced']), { by: 'category', level: null, total: 7, unplaced: 0 });
    t.same(cats.rows, [
      { rank: 1, code: 'housing.property', name: '物业管理', count: 5, share: 0.7143 },
      { rank: 2, code: 'env.construction_noise', name: '建筑施工噪音', count: 1, share: 0.1429 },
    ]);
    const all = await ok(desk.get(`/api/reports/top?${NOV}&by=category`));
    t.same(
      all.rows.map((r: Row) => [r.code, r.count]),
      [
        ['housing.property', 5],
        ['env.construction_noise', 2],
        ['housing.elevator', 1],
        ['urban.street_light', 1],
      ],
    );
    const streets = await ok(city.get(`/api/reports/top?${NOV}&unit=${CITY}&by=area`));
    t.same(
      streets.rows.map((r: Row) => [r.code, r.name, r.count]),
      [
        [STREET, '大王庄街道', 6],
        ['120103001', '大营门街道', 1],
      ],
    );
    const communities = await ok(city.get(`/api/reports/top?${NOV}&unit=${CITY}&by=area&level=community&limit=2`));
    t.same(pick(communities, ['total', 'unplaced']), { total: 7, unplaced: 1 }, 'C is placed at a street only');
    t.same(
      communities.rows.map((r: Row) => [r.code, r.count]),
      [
        ['120102001001', 3],
        ['120102001002', 2],
      ],
    );
  });

  t.test('CSV: BOM, Chinese header, quoting, the same rows as JSON', async (t) => {
    // Unit names come from official data, so no API makes an awkward one: this row is put in by hand.
    await h.db
      .sql`insert into units (id, name, level, kind, parent_id) values ('zz-test', ${'=测试,"引号"\n部门'}, 'street', 'government', ${DISTRICT})`;
    const url = `/api/reports/rates?${NOV}&unit=${DISTRICT}`;
    const csv = await districtSupervisor.get(`${url}&format=csv`);
    t.equal(csv.statusCode, 200);
    t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    t.match(csv.headers['content-disposition'], /^attachment; filename="rates_120102_2026-11-01_2026-11-30\.csv"; filename\*=UTF-8''/);
    t.ok(csv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 BOM');
    const text = csv.rawPayload.subarray(3).toString('utf8');
    const lines = parseCsv(text);
    t.same(lines[0], [
      '单位编码',
      '单位名称',
      '范围',
      '工单量',
      '已响应',
      '已办结',
      '参评',
      '满意（含基本满意）',
      '响应率',
      '解决率',
      '满意率',
    ]);
    t.ok(text.includes(`\r\nzz-test,"'=测试,""引号""\n部门",下级单位,0,0,0,0,0,,,\r\n`), 'quoted, quotes doubled, formula defused');
    const json = await ok(districtSupervisor.get(url));
    t.equal(lines.length - 1, json.rows.length, 'one line per row');
    const self = lines.find((l) => l[0] === DISTRICT && l[2] === '本单位')!;
    t.same(self.slice(3), ['4', '2', '1', '1', '1', '50.00%', '25.00%', '100.00%']);
    for (const [i, row] of json.rows.entries()) {
      t.same(lines[i + 1]!.slice(0, 8), [
        row.unitId,
        row.unitName.startsWith('=') ? `'${row.unitName}` : row.unitName,
        { self: '本单位', child: '下级单位', total: '合计' }[row.scope as string],
        ...[row.received, row.responded, row.resolved, row.rated, row.satisfied].map(String),
      ]);
    }
    const byAccept = await h.app.inject({ url, headers: { ...districtSupervisor.headers, accept: 'text/csv' } });
    t.equal(byAccept.headers['content-type'], 'text/csv; charset=utf-8', 'Accept: text/csv');
    t.equal(byAccept.body, csv.body);
    const ranked = await h.app.inject({ url, headers: { ...districtSupervisor.headers, accept: 'application/json, text/csv;q=0.5' } });
    t.match(ranked.headers['content-type'], /^application\/json/, 'JSON when preferred');
    const formatWins = await h.app.inject({ url: `${url}&format=json`, headers: { ...districtSupervisor.headers, accept: 'text/csv' } });
    t.match(formatWins.headers['content-type'], /^application\/json/);

    for (const [path, header] of [
      ['on-time', '单位编码,单位名称,范围,时限,按时,超时完成,超期未完成,计时中,按时率'],
      [
        'returns',
        '单位编码,单位名称,范围,派入工单数,退单次数,退单工单数,退单率,退单：非本单位职责,退单：区域错误,退单：重复工单,退单：信息不全,退单：其他,重办次数,重办工单数,重办率',
      ],
      ['top', '排名,代码,名称,工单量,占比'],
    ] as const) {
      const res = await districtSupervisor.get(`/api/reports/${path}?${NOV}&format=csv${path === 'top' ? '&by=category' : ''}`);
      t.equal(res.body.split('\r\n')[0], `\uFEFF${header}`, `${path} header`);
    }
    const top = parseCsv((await districtSupervisor.get(`/api/reports/top?${NOV}&by=category&format=csv`)).body.slice(1));
    t.same(top[1], ['1', 'housing.property', '物业管理', '5', '83.33%'], 'A, B, D, G, H of the six in the district');
  });
});

t.test('toCsv quotes what needs quoting and nothing else', async (t) => {
  const rows = [
    ['plain', 1],
    ['a,b', -2],
    ['say "hi"', 0],
    ['two\nlines', 3],
    ['+1', 4],
    [null, 5],
  ] as const;
  const csv = toCsv<(typeof rows)[number]>(
    [
      ['名称', (r) => r[0]],
      ['数', (r) => r[1]],
    ],
    [...rows],
  );
  t.equal(csv, '\uFEFF名称,数\r\nplain,1\r\n"a,b",-2\r\n"say ""hi""",0\r\n"two\nlines",3\r\n\'+1,4\r\n,5\r\n');
});

t.test('one sees one’s own subtree only; outside it a unit does not exist', async (t) => {
  const h = await testApp(t);
  h.clock.set(new Date(T0));
  const q = `${NOV}&unit=${DISTRICT}`;
  const otherSupervisor = await signIn(h, ['supervisor'], OTHER);
  const otherHandler = await signIn(h, ['handler'], OTHER);
  const streetHandler = await signIn(h, ['handler'], STREET);
  const districtHandler = await signIn(h, ['handler'], DISTRICT);
  for (const [who, c] of [
    ['another district’s supervisor', otherSupervisor],
    ['another district’s handler', otherHandler],
    ['a street below', streetHandler],
  ] as const) {
    for (const path of ['rates', 'on-time', 'returns', 'top']) {
      const res = await c.get(`/api/reports/${path}?${q}${path === 'top' ? '&by=area' : ''}`);
      t.equal(res.statusCode, 404, `${who}: ${path}`);
      t.same([res.json().code, res.json().field], ['UNIT_NOT_FOUND', 'unit']);
    }
  }
  t.equal((await districtHandler.get(`/api/reports/rates?${q}`)).statusCode, 200, 'a handler of the district');
  t.equal((await districtHandler.get(`/api/reports/rates?${NOV}&unit=${STREET}`)).statusCode, 200, 'and of a unit below');
  t.equal((await districtHandler.get(`/api/reports/rates?${NOV}&unit=${CITY}`)).statusCode, 404, 'not above');
  t.equal((await districtHandler.get(`/api/reports/rates?${NOV}&unit=hotline`)).statusCode, 404, 'nor the whole city');
  t.equal((await streetHandler.get(`/api/reports/rates?${NOV}`)).json().unit.id, STREET);
  for (const roles of [['operator'], ['dispatcher'], ['admin']] as const) {
    const c = await signIn(h, [...roles]);
    t.equal((await c.get(`/api/reports/rates?${q}`)).statusCode, 200, `${roles[0]} sees the city`);
  }
  t.equal((await h.app.inject(`/api/reports/rates?${q}`)).statusCode, 401, 'signed in only');
  t.same((await districtHandler.get(`/api/reports/rates?${NOV}&unit=no-such-unit`)).json().field, 'unit');
});

t.test('bad input is refused, naming the field', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator']);
  const cases: [string, string][] = [
    ['/rates?from=2026-13-01&to=2026-11-30', 'from'],
    ['/rates?from=2026-02-30&to=2026-03-01', 'from'],
    ['/rates?from=2026-11-01', 'to'],
    ['/rates?from=20261101&to=2026-11-30', 'from'],
    ['/rates?from=2026-11-30&to=2026-11-01', 'to'],
    ['/on-time?from=2025-12-30&to=2026-12-31', 'to'],
    ['/returns?from=2026-11-01&to=2026-11-30&format=xml', 'format'],
    ['/rates?from=2026-11-01&to=2026-11-30&bogus=1', 'bogus'],
    ['/top?from=2026-11-01&to=2026-11-30', 'by'],
    ['/top?from=2026-11-01&to=2026-11-30&by=colour', 'by'],
    ['/top?from=2026-11-01&to=2026-11-30&by=area&limit=0', 'limit'],
    ['/top?from=2026-11-01&to=2026-11-30&by=area&level=province', 'level'],
    ['/top?from=2026-11-01&to=2026-11-30&by=category&level=street', 'level'],
  ];
  for (const [url, field] of cases) {
    const res = await desk.get(`/api/reports${url}`);
    t.equal(res.statusCode, 400, url);
    t.equal(res.json().field, field, `${url} names ${field}`);
  }
  t.equal((await desk.get('/api/reports/rates?from=2025-12-31&to=2026-12-31')).statusCode, 200, '366 days is allowed');
});

t.test('the definitions are in the API documentation, with the CSV variant', async (t) => {
  const h = await testApp(t);
  const doc = (await h.app.inject('/docs/json')).json();
  for (const path of ['rates', 'on-time', 'returns', 'top']) {
    const op = doc.paths[`/api/reports/${path}`]?.get;
    t.ok(op, path);
    t.same(Object.keys(op.responses['200'].content).sort(), ['application/json', 'text/csv'], `${path}: JSON or CSV`);
    t.match(op.description, /统计口径/);
  }
  t.match(doc.paths['/api/reports/rates'].get.description, /responseRate 响应率 = responded \/ received/);
});
