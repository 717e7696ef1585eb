import t from 'tap';
import {
  ACTIONS,
  decide,
  STATUSES,
  TERMINAL,
  TRANSITIONS,
  type ActionInput,
  type OrderAction,
  type OrderState,
  type OrderStatus,
} from '../server/core/lifecycle.ts';
import { AppError } from '../server/errors.ts';

const at = new Date('2026-11-24T08:00:00Z');
const inputs: Record<OrderAction, ActionInput> = {
  accept: { action: 'accept' },
  dispatch: { action: 'dispatch', unitId: '120103' },
  claim: { action: 'claim' },
  return: { action: 'return', reasonCode: 'wrong_area', reason: '不属本区' },
  reply: { action: 'reply', text: '已联系物业处理' },
  close: { action: 'close', satisfaction: 'satisfied' },
  reopen: { action: 'reopen', reason: '问题仍未解决' },
  merge: { action: 'merge', masterId: 99 },
  transfer: { action: 'transfer', target: '110' },
};

const order = (status: OrderStatus, unitPath = ['hotline', '120102']): OrderState => ({
  id: 1,
  status,
  unitPath,
  dispatchCount: 1,
  returnCount: 0,
  reopenCount: 0,
});

// The expected table, written out by hand so that a change to TRANSITIONS has to be deliberate.
const legal: Record<OrderStatus, OrderAction[]> = {
  received: ['accept', 'merge', 'transfer'],
  accepted: ['dispatch', 'merge', 'transfer'],
  dispatched: ['claim', 'return', 'merge'],
  claimed: ['return', 'reply', 'merge'],
  replied: ['close', 'reopen'],
  closed: ['reopen'],
  returned: ['dispatch', 'merge', 'transfer'],
  reopened: ['claim', 'merge'],
  merged: [],
  transferred_out: [],
};

t.test('every state × action pair is legal exactly when the table says so', async (t) => {
  for (const status of STATUSES) {
    for (const action of ACTIONS) {
      const path = status === 'accepted' || status === 'received' ? ['hotline'] : ['hotline', '120102'];
      const run = () => decide(order(status, path), inputs[action], at);
      if (legal[status].includes(action)) {
        const { patch, event } = run();
        t.equal(patch.status, TRANSITIONS[action].to, `${status} --${action}--> ${TRANSITIONS[action].to}`);
        t.equal(event.fromStatus, status);
        t.equal(event.toStatus, patch.status);
      } else {
        t.throws(run, { statusCode: 409, code: 'ILLEGAL_TRANSITION' }, `${status} refuses ${action}`);
      }
    }
  }
});

t.test('an illegal transition names the current state and the action', async (t) => {
  try {
    decide(order('closed'), inputs.claim, at);
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof AppError);
    const e = err as AppError;
    t.match(e.message, /已办结/);
    t.match(e.message, /closed/);
    t.match(e.message, /签收/);
    t.match(e.message, /claim/);
    t.same(e.details?.allowedFrom, ['dispatched', 'reopened']);
  }
});

t.test('merged and transferred-out are the only terminal states', async (t) => {
  t.same([...TERMINAL].sort(), ['merged', 'transferred_out']);
});

t.test('dispatch appends the unit to the path and counts', async (t) => {
  const { patch, event } = decide(order('accepted', ['hotline']), { action: 'dispatch', unitId: '120102' }, at);
  t.same(patch.unitPath, ['hotline', '120102']);
  t.equal(patch.dispatchCount, 2);
  t.same(patch.dispatchedAt, at);
  t.equal(event.unitId, '120102');
  t.equal(event.payload.fromUnitId, 'hotline');
});

t.test('dispatching to the unit that holds the order is refused', async (t) => {
  t.throws(() => decide(order('returned', ['hotline', '120102']), { action: 'dispatch', unitId: '120102' }, at), {
    code: 'DISPATCH_TO_SELF',
  });
});

t.test('return goes one step back up the path and is counted', async (t) => {
  const street = order('claimed', ['hotline', '120102', '120102001']);
  const { patch, event } = decide(street, inputs.return, at);
  t.same(patch.unitPath, ['hotline', '120102']);
  t.equal(patch.returnCount, 1);
  t.equal(event.unitId, '120102');
  t.equal(event.payload.reasonCode, 'wrong_area');
  t.equal(event.payload.fromUnitId, '120102001');
  t.equal(event.reason, '不属本区');
});

t.test('reopen stays with the same unit, counts, and clears the close', async (t) => {
  const { patch, event } = decide(order('closed'), inputs.reopen, at);
  t.equal(patch.status, 'reopened');
  t.equal(patch.reopenCount, 1);
  t.equal(patch.closedAt, null);
  t.equal(patch.unitPath, undefined);
  t.equal(event.unitId, '120102');
});

t.test('merge refuses the order itself as master', async (t) => {
  t.throws(() => decide(order('accepted', ['hotline']), { action: 'merge', masterId: 1 }, at), { code: 'MERGE_INTO_SELF' });
});

t.test('timestamps follow the step', async (t) => {
  t.same(decide(order('received', ['hotline']), inputs.accept, at).patch.acceptedAt, at);
  t.same(decide(order('dispatched'), inputs.claim, at).patch.claimedAt, at);
  const reply = decide(order('claimed'), inputs.reply, at).patch;
  t.same(reply.repliedAt, at);
  t.equal(reply.replyText, '已联系物业处理');
  const close = decide(order('replied'), inputs.close, at).patch;
  t.same(close.closedAt, at);
  t.equal(close.satisfaction, 'satisfied');
  t.equal(decide(order('accepted', ['hotline']), inputs.transfer, at).patch.transferTarget, '110');
});
