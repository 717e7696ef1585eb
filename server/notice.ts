/** 一次性告知: tell the citizen once, completely, what happens next and by when. */
import type { OrderRow } from '../db/queries/orders.ts';
import type { RuleSet } from './rules/schema.ts';

export function oneTimeNotice(order: OrderRow, rules: RuleSet): string {
  const transfer = (order.classification as { transfer?: string } | null)?.transfer;
  const where =
    transfer === '110'
      ? '您反映的情况属于公安机关职责，我们将立即转接110处理。'
      : transfer === 'beijing' || transfer === 'hebei'
        ? `您反映的事项发生在${transfer === 'beijing' ? '北京市' : '河北省'}，我们将转至当地12345热线办理。`
        : order.status === 'dispatched'
          ? '您的诉求已转交承办单位办理。'
          : '我们将尽快受理，并转交承办单位办理。';
  const urgent = order.urgency === 'urgent' ? '您反映的是紧急事项，承办单位将第一时间签收处置。' : '';
  void rules;
  return (
    `您的诉求已登记，工单编号 ${order.number}。${where}${urgent}` +
    `承办单位将在5个工作日内答复您。您可以凭工单编号和联系电话后四位查询办理进度，并在答复后进行评价。`
  );
}
