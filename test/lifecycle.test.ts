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
import { DomainError } from '../server/core/errors.ts';

const at = new Date('2026-11-24T08:00:00Z');
const inputs: Record<OrderAction, ActionInput> = {
  accept: { action: 'accept' },
  dispatch: { action: 'dispatch', unitId: '120103' },
  redispatch: { action: 'redispatch', unitId: '120103' },
  claim: { action: 'claim' },
  hand_down: { action: 'hand_down', unitId: '120102001' },
  assign_assist: { action: 'assign_assist', unitIds: ['120102:urban'] },
  assist_claim: { action: 'assist_claim', unitId: 'A' },
  assist_reply: { action: 'assist_reply', unitId: 'B', text: '已核实' },
  urge: { action: 'urge', note: '请加快办理' },
  supplement: { action: 'supplement', locationText: '诚厚里5号楼' },
  request_extension: { action: 'request_extension', clock: 'resolve', dueAt: '2026-12-10T16:00:00Z', reason: '需协调多部门' },
  approve_extension: { action: 'approve_extension', extensionId: 1 },
  reject_extension: { action: 'reject_extension', extensionId: 1 },
  object: {
    action: 'object',
    reasonCode: 'other_unit_duty',
    reason: '属区城管委职责',
    dutyUnitId: '120102:urban',
    dutyBasis: '区城管委三定方案',
  },
  uphold_objection: { action: 'uphold_objection', objectionId: 1, unitId: '120103' },
  reject_objection: { action: 'reject_objection', objectionId: 1, note: '属本单位职责' },
  supervise: { action: 'supervise' },
  return: { action: 'return', reasonCode: 'wrong_area', reason: '不属本区' },
  reply: { action: 'reply', text: '已联系物业处理' },
  close: { action: 'close', satisfaction: 'satisfied' },
  reopen: { action: 'reopen', reason: '问题仍未解决' },
  merge: { action: 'merge', masterId: 99 },
  transfer: { action: 'transfer', target: '110' },
  reclassify: { action: 'reclassify', categoryCode: 'urban.street_light' },
  answer: { action: 'answer', text: '新生儿医保可在出生后三个月内办理', kbEntryIds: [1] },
  rate: { action: 'rate', satisfaction: 'satisfied' },
  callback_missed: { action: 'callback_missed', note: '无人接听' },
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
  received: ['accept', 'supplement', 'urge', 'supervise', 'merge', 'transfer', 'reclassify', 'answer'],
  accepted: ['dispatch', 'supplement', 'urge', 'supervise', 'merge', 'transfer', 'reclassify', 'answer'],
  dispatched: [
    'redispatch',
    'claim',
    'return',
    'assign_assist',
    'assist_claim',
    'assist_reply',
    'supplement',
    'request_extension',
    'approve_extension',
    'reject_extension',
    'object',
    'uphold_objection',
    'reject_objection',
    'urge',
    'supervise',
    'merge',
    'reclassify',
  ],
  claimed: [
    'hand_down',
    'return',
    'assign_assist',
    'assist_claim',
    'assist_reply',
    'reply',
    'supplement',
    'request_extension',
    'approve_extension',
    'reject_extension',
    'object',
    'uphold_objection',
    'reject_objection',
    'urge',
    'supervise',
    'merge',
    'reclassify',
  ],
  replied: ['close', 'reopen', 'callback_missed'],
  closed: ['reopen', 'rate'],
  returned: ['dispatch', 'supplement', 'urge', 'supervise', 'merge', 'transfer', 'reclassify'],
  reopened: [
    'claim',
    'supplement',
    'request_extension',
    'approve_extension',
    'reject_extension',
    'urge',
    'supervise',
    'merge',
    'reclassify',
  ],
  merged: [],
  transferred_out: [],
};

t.test('every state × action pair is legal exactly when the table says so', async (t) => {
  for (const status of STATUSES) {
    for (const action of ACTIONS) {
      const path = status === 'accepted' || status === 'received' ? ['hotline'] : ['hotline', '120102'];
      const assists = action.startsWith('assist_')
        ? [
            { unitId: 'A', status: 'assigned' as const },
            { unitId: 'B', status: 'claimed' as const },
          ]
        : [];
      const run = () => decide({ ...order(status, path), assists }, inputs[action], at);
      if (legal[status].includes(action)) {
        const { patch, event } = run();
        const to = TRANSITIONS[action].to ?? status;
        t.equal(patch.status, TRANSITIONS[action].to ?? undefined, `${status} --${action}--> ${to}`);
        t.equal(event.fromStatus, status);
        t.equal(event.toStatus, to);
      } else {
        t.throws(run, { kind: 'conflict', code: 'ILLEGAL_TRANSITION' }, `${status} refuses ${action}`);
      }
    }
  }
});

t.test('an illegal transition names the current state and the action', async (t) => {
  try {
    decide(order('closed'), inputs.claim, at);
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof DomainError);
    const e = err as DomainError;
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

t.test('the third return sends the order to the city dispatcher; a designated unit cannot return', async (t) => {
  const third = decide({ ...order('claimed', ['hotline', '120102', '120102001']), returnCount: 2 }, inputs.return, at, { returnLimit: 3 });
  t.same(third.patch.unitPath, ['hotline']);
  t.equal(third.event.payload.escalatedToDispatcher, true);
  t.equal(third.event.unitId, 'hotline');
  const designated = { ...order('claimed'), designated: true };
  t.throws(() => decide(designated, inputs.return, at), { kind: 'unprocessable', code: 'ORDER_DESIGNATED' });
  const d = decide(order('returned', ['hotline']), { action: 'dispatch', unitId: '120102', designate: true }, at);
  t.equal(d.patch.designated, true);
});

t.test('redispatch replaces the unit that has not claimed; hand-down adds a step', async (t) => {
  const r = decide(order('dispatched', ['hotline', '120103']), { action: 'redispatch', unitId: '120102' }, at);
  t.same(r.patch.unitPath, ['hotline', '120102']);
  t.equal(r.event.payload.replacedUnitId, '120103');
  const h = decide(order('claimed', ['hotline', '120102']), inputs.hand_down, at);
  t.same(h.patch.unitPath, ['hotline', '120102', '120102001']);
  t.equal(h.patch.status, 'dispatched', 'the receiving unit must claim again');
});

t.test('the lead replies only after every assisting unit has', async (t) => {
  const pending = { ...order('claimed'), assists: [{ unitId: '120102:urban', status: 'claimed' as const }] };
  t.throws(() => decide(pending, inputs.reply, at), { kind: 'conflict', code: 'ASSISTS_PENDING' });
  const done = { ...order('claimed'), assists: [{ unitId: '120102:urban', status: 'replied' as const }] };
  t.equal(decide(done, inputs.reply, at).patch.status, 'replied');
  t.throws(() => decide({ ...order('claimed'), assists: [] }, { action: 'assign_assist', unitIds: ['120102'] }, at), {
    code: 'ASSIST_IS_LEAD',
  });
});

t.test('urge and supervise keep the status and are recorded', async (t) => {
  const u = decide({ ...order('dispatched'), urgeCount: 1 }, inputs.urge, at);
  t.equal(u.patch.status, undefined);
  t.equal(u.patch.urgeCount, 2);
  t.equal(u.event.toStatus, 'dispatched');
  t.equal(u.event.reason, '请加快办理');
  t.same(decide(order('claimed'), inputs.supervise, at).patch.supervisedAt, at);
});

t.test('the rules that depend on facts beyond the order are the core’s to decide', async (t) => {
  const policy = { returnLimit: 3 };
  const returned = order('returned', ['hotline', '120102']);
  t.throws(
    () => decide(returned, { action: 'dispatch', unitId: '120102001', designate: true }, at, policy, { sender: '120102' }),
    {
      code: 'FORBIDDEN',
      details: { field: 'designate' },
    },
    'only the hotline centre designates',
  );
  t.ok(
    decide(order('accepted', ['hotline']), { action: 'dispatch', unitId: '120102', designate: true }, at, policy, { sender: 'hotline' })
      .patch.designated,
  );

  const open = order('accepted', ['hotline']);
  t.throws(() => decide(open, { action: 'merge', masterId: 7 }, at, policy, { master: null }), { code: 'MASTER_NOT_FOUND' });
  for (const status of ['merged', 'transferred_out'] as const) {
    t.throws(
      () => decide(open, { action: 'merge', masterId: 7 }, at, policy, { master: { id: 7, number: 'N7', status } }),
      { code: 'MASTER_NOT_OPEN' },
      `a ${status} master`,
    );
  }
  const merged = decide(open, { action: 'merge', masterId: 7 }, at, policy, { master: { id: 7, number: 'N7', status: 'claimed' } });
  t.equal(merged.event.payload.masterNumber, 'N7', 'the event names the master');

  const claimed = order('claimed');
  const ask = { action: 'request_extension', clock: 'resolve', dueAt: '2026-12-10T08:00:00Z', reason: '需要现场勘查' } as const;
  const due = new Date('2026-12-01T08:00:00Z');
  t.throws(() => decide(claimed, ask, at, policy, { clock: null }), { code: 'CLOCK_NOT_RUNNING' });
  t.throws(() => decide(claimed, ask, at, policy, { clock: { dueAt: due, running: false } }), { code: 'CLOCK_NOT_RUNNING' });
  t.throws(() => decide(claimed, { ...ask, dueAt: '2026-11-30T08:00:00Z' }, at, policy, { clock: { dueAt: due, running: true } }), {
    code: 'EXTENSION_NOT_LATER',
    details: { field: 'dueAt' },
  });
  t.throws(() => decide(claimed, ask, at, policy, { clock: { dueAt: due, running: true }, extensionPending: true }), {
    code: 'EXTENSION_PENDING',
  });
  t.ok(
    decide(claimed, ask, at, policy, { clock: { dueAt: due, running: true }, extensionPending: false }),
    'a later deadline, none pending: filed',
  );

  for (const action of ['approve_extension', 'reject_extension'] as const) {
    t.throws(() => decide(claimed, { action, extensionId: 3 }, at, policy, { extension: null }), { code: 'EXTENSION_NOT_PENDING' });
    t.throws(() => decide(claimed, { action, extensionId: 3 }, at, policy, { extension: { status: 'approved' } }), {
      code: 'EXTENSION_NOT_PENDING',
    });
  }
  t.throws(
    () =>
      decide(claimed, { action: 'approve_extension', extensionId: 3 }, at, policy, {
        extension: { status: 'pending' },
        clock: { dueAt: due, running: false },
      }),
    { code: 'CLOCK_NOT_RUNNING' },
    'an approval cannot move a clock that has stopped',
  );
});

t.test('回访未接通: counted per reply, status kept until the limit, which closes the order unrated as not reached', async (t) => {
  const replied = order('replied');
  const first = decide(replied, inputs.callback_missed, at, { returnLimit: 3, callbackAttempts: 3 }, { callbackMisses: 0 });
  t.same(first.patch, {}, 'the first miss changes nothing on the order');
  t.match(first.event, { action: 'callback_missed', toStatus: 'replied', reason: '无人接听', payload: { attempt: 1, limit: 3 } });
  t.notOk('callbackUnreached' in first.event.payload);
  const second = decide(replied, inputs.callback_missed, at, { returnLimit: 3, callbackAttempts: 3 }, { callbackMisses: 1 });
  t.same(second.patch, {});
  t.equal(second.event.payload.attempt, 2);
  const last = decide(replied, inputs.callback_missed, at, { returnLimit: 3, callbackAttempts: 3 }, { callbackMisses: 2 });
  t.same(last.patch, { status: 'closed', closedAt: at, satisfaction: null }, 'the third miss closes it, unrated');
  t.match(last.event, { toStatus: 'closed', payload: { attempt: 3, limit: 3, callbackUnreached: true } });
  const once = decide(replied, inputs.callback_missed, at, { returnLimit: 3, callbackAttempts: 1 }, {});
  t.equal(once.patch.status, 'closed', 'a limit of one closes at the first miss');
  t.equal(decide(replied, inputs.callback_missed, at).event.payload.limit, 3, 'the default limit is 3');
});
