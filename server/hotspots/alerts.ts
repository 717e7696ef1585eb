/**
 * 热点预警, the supervisor's steps: load the alert under a row lock (scoped to the
 * viewer's subtree), ask the core what the step makes of it, record who did it.
 */
import type { Sql } from '../../db/client.ts';
import { findAlert, recordAlertStep, type AlertRow } from '../../db/queries/hotspots.ts';
import { DomainError } from '../core/errors.ts';
import { decideAlertStep, type HotspotAction } from '../core/hotspots.ts';

export async function stepAlert(
  sql: Sql,
  id: number,
  action: HotspotAction,
  ctx: { by: string; within: string | undefined; note: string | null; now: Date },
): Promise<AlertRow> {
  return sql.begin(async (tx) => {
    const alert = await findAlert(tx, id, { forUpdate: true, within: ctx.within });
    if (!alert) throw new DomainError('HOTSPOT_NOT_FOUND', `热点预警 ${id} 不存在或不在本单位辖区内`);
    const state = decideAlertStep(alert.state, action);
    await recordAlertStep(tx, id, { state, by: ctx.by, at: ctx.now, note: ctx.note });
    return (await findAlert(tx, id))!;
  }) as Promise<AlertRow>;
}
