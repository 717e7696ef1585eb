/**
 * 热点预警, the job: count the window's clusters, ask the core which are hotspots,
 * and raise each once — a new alert, or the alert already raised for that matter
 * and place taking the new orders — with an audit event on every order newly in
 * it, all in one transaction under a lock that lets one instance scan at a time.
 * Run twice at once, or twice in a row, it raises nothing twice.
 */
import type { Sql } from '../../db/client.ts';
import {
  attachAlertOrders,
  countClusters,
  findRecentAlert,
  insertAlert,
  recordHotspotEvents,
  tryLockHotspotScan,
} from '../../db/queries/hotspots.ts';
import { findHotspots, HOTSPOT_LEVEL_CODE_LENGTH, type HotspotRules } from '../core/hotspots.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface HotspotScan {
  /** False when another instance held the scan. */
  ran: boolean;
  raised: number[];
  /** Alerts that took new orders. */
  grown: number[];
}

export async function scanHotspots(sql: Sql, now: Date, rules: HotspotRules, matterName: (code: string) => string): Promise<HotspotScan> {
  return sql.begin(async (tx) => {
    if (!(await tryLockHotspotScan(tx))) return { ran: false, raised: [], grown: [] };
    const from = new Date(now.getTime() - rules.windowMinutes * MINUTE);
    const counts = await countClusters(tx, {
      from,
      to: now,
      baselineFrom: new Date(from.getTime() - rules.baselineDays * DAY),
      windowMinutes: rules.windowMinutes,
      minOrders: rules.minOrders,
      levels: rules.levels.map((level) => ({ level, length: HOTSPOT_LEVEL_CODE_LENGTH[level] })),
    });
    const byKey = new Map(counts.map((c) => [`${c.matterCode}|${c.areaCode}`, c]));
    const scan: HotspotScan = { ran: true, raised: [], grown: [] };
    for (const spot of findHotspots(counts, rules)) {
      const row = byKey.get(`${spot.matterCode}|${spot.areaCode}`)!;
      const earlier = await findRecentAlert(tx, { matterCode: spot.matterCode, areaCode: spot.areaCode, since: from });
      const alertId = earlier?.id ?? (await insertAlert(tx, { ...row, usualRate: spot.usual, raisedAt: now }));
      const added = await attachAlertOrders(tx, alertId, spot.orderIds);
      if (earlier && added.length === 0) continue;
      (earlier ? scan.grown : scan.raised).push(alertId);
      // A handled alert keeps its new orders but does not call the boards again.
      if (earlier?.state === 'handled') continue;
      const hours = rules.windowMinutes / 60;
      const reason = `热点预警：${row.areaName}「${matterName(spot.matterCode)}」${hours}小时内 ${spot.orderIds.length} 件（平时约 ${spot.usual.toFixed(1)} 件）`;
      await recordHotspotEvents(tx, { alertId, orderIds: earlier ? added : spot.orderIds, at: now, reason });
    }
    return scan;
  }) as Promise<HotspotScan>;
}
