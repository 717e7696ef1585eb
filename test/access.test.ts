import t from 'tap';
import {
  ACTION_RULES,
  authorize,
  canSee,
  canSeePhone,
  maskPhone,
  ROLES,
  type OrderPlace,
  type Role,
  type Viewer,
} from '../server/core/access.ts';
import { ACTIONS } from '../server/core/lifecycle.ts';

// An order held by 大王庄街道, sent there by 河东区, assisted by 河东区城管委.
const place: OrderPlace = {
  currentUnitId: '120102001',
  unitPath: ['hotline', '120102', '120102001'],
  currentAncestors: ['120000', '120102', '120102001'],
  claimedByAncestors: null,
  assists: [{ unitId: '120102:urban', ancestors: ['120000', '120102', '120102:urban'] }],
};
// The hotline centre's desk roles work city-wide (written out here, not read from the core).
const CITY_WIDE: string[] = ['operator', 'dispatcher', 'reviewer'];
const viewer = (roles: Role[], unitId: string): Viewer => ({ userId: 1, username: 'x', unitId, roles });

const where = {
  hotline: 'hotline',
  holder: '120102001',
  sender: '120102',
  assist: '120102:urban',
  oversight: '120000',
  outside: '120103',
} as const;

t.test('every action: allowed exactly for its roles standing where the rules say', async (t) => {
  for (const action of ACTIONS) {
    for (const role of ROLES) {
      for (const [relation, unitId] of Object.entries(where)) {
        const v = viewer([role], unitId);
        const run = () => authorize(v, action, place, '1');
        if (!canSee(v, place)) {
          t.throws(run, { kind: 'not_found', code: 'ORDER_NOT_FOUND' }, `${role}@${relation} ${action}: out of sight`);
          continue;
        }
        const expected =
          role === 'admin' ||
          ACTION_RULES[action].some(
            (r) =>
              r.roles.includes(role) &&
              (r.relation === 'hotline'
                ? CITY_WIDE.includes(role) || unitId === 'hotline'
                : r.relation === 'holder'
                  ? unitId === where.holder
                  : r.relation === 'sender'
                    ? unitId === where.sender
                    : r.relation === 'assist'
                      ? unitId === where.assist
                      : ['120000', '120102', '120102001', 'hotline'].includes(unitId) || CITY_WIDE.includes(role)),
          );
        if (expected) t.doesNotThrow(run, `${role}@${relation} may ${action}`);
        else t.throws(run, { kind: 'forbidden', code: 'FORBIDDEN' }, `${role}@${relation} may not ${action}`);
      }
    }
  }
});

t.test('sight: the subtree, assisting units, and desk roles', async (t) => {
  t.ok(canSee(viewer(['handler'], '120102'), place), 'the district above');
  t.ok(canSee(viewer(['handler'], '120102:urban'), place), 'an assisting unit');
  t.notOk(canSee(viewer(['handler'], '120102001001'), place), 'a community below the holder');
  t.notOk(canSee(viewer(['supervisor'], '120103'), place), 'another district');
  t.ok(canSee(viewer(['operator'], '120103'), place), 'an operator sees everything');
});

t.test('phone numbers: masked until the unit claims', async (t) => {
  t.notOk(canSeePhone(viewer(['handler'], '120102001'), place));
  const claimed = { ...place, claimedByAncestors: ['120000', '120102', '120102001'] };
  t.ok(canSeePhone(viewer(['handler'], '120102001'), claimed));
  t.ok(canSeePhone(viewer(['supervisor'], '120102'), claimed), 'and the units above the claimant');
  t.notOk(canSeePhone(viewer(['handler'], '120102:urban'), claimed), 'not an assisting unit');
  t.equal(maskPhone('13812345678'), '138****5678');
  t.equal(maskPhone('022-23456789'), '022****6789');
  t.equal(maskPhone('12345'), '***45');
  t.equal(maskPhone(null), null);
});

t.test('回访未接通 is the hotline desk work: operators and dispatchers, not a unit handler', async (t) => {
  t.doesNotThrow(() => authorize(viewer(['operator'], 'hotline'), 'callback_missed', place, '1'));
  t.doesNotThrow(() => authorize(viewer(['dispatcher'], 'hotline'), 'callback_missed', place, '1'));
  t.throws(() => authorize(viewer(['handler'], where.holder), 'callback_missed', place, '1'), { code: 'FORBIDDEN' });
  t.throws(() => authorize(viewer(['supervisor'], where.sender), 'callback_missed', place, '1'), { code: 'FORBIDDEN' });
});
