/**
 * 热点预警 (pure): which clusters of orders — one matter in one place within the
 * window — are well above that place's usual rate, and what a supervisor may do
 * with the alert raised for one. The job (server/jobs/hotspots.ts) counts, asks,
 * and writes; nothing here reads a clock or a database.
 */
import { DomainError } from './errors.ts';

export const HOTSPOT_STATES = ['new', 'acknowledged', 'handled'] as const;
export type HotspotState = (typeof HOTSPOT_STATES)[number];
export const HOTSPOT_STATE_LABELS: Record<HotspotState, string> = { new: '新预警', acknowledged: '已知悉', handled: '已处置' };

/** The places a cluster may be found in, by their area codes' length. */
export const HOTSPOT_LEVELS = ['community', 'street'] as const;
export type HotspotLevel = (typeof HOTSPOT_LEVELS)[number];
export const HOTSPOT_LEVEL_LABELS: Record<HotspotLevel, string> = { community: '社区', street: '街道' };
export const HOTSPOT_LEVEL_CODE_LENGTH: Record<HotspotLevel, number> = { community: 12, street: 9 };

export const HOTSPOT_ACTIONS = ['acknowledge', 'handle'] as const;
export type HotspotAction = (typeof HOTSPOT_ACTIONS)[number];

/** rules/hotspots.yaml */
export interface HotspotRules {
  windowMinutes: number;
  minOrders: number;
  minRatio: number;
  baselineDays: number;
  levels: HotspotLevel[];
}

/** One matter in one place: the orders of the window and the count of the baseline days' same windows. */
export interface ClusterCount {
  matterCode: string;
  areaCode: string;
  level: HotspotLevel;
  orderIds: number[];
  baselineCount: number;
}

export interface Hotspot extends ClusterCount {
  /** Orders per window the place usually sees (the baseline's mean). */
  usual: number;
}

/** The place's usual orders per window: the baseline's same windows, averaged over its days. */
export const usualRate = (baselineCount: number, rules: HotspotRules): number => baselineCount / rules.baselineDays;

/** Whether one cluster is a hotspot: enough orders, and well above the usual (an unusual place with none before counts). */
export function isHotspot(c: ClusterCount, rules: HotspotRules): boolean {
  return c.orderIds.length >= rules.minOrders && c.orderIds.length >= rules.minRatio * usualRate(c.baselineCount, rules);
}

/**
 * The hotspots among the counted clusters, most specific level first: a cluster of
 * a wider place is left out when one of its narrower places, same matter, is raised.
 */
export function findHotspots(counts: ClusterCount[], rules: HotspotRules): Hotspot[] {
  const raised: Hotspot[] = [];
  const order = [...rules.levels].sort((a, b) => HOTSPOT_LEVEL_CODE_LENGTH[b] - HOTSPOT_LEVEL_CODE_LENGTH[a]);
  for (const level of order) {
    for (const c of counts) {
      if (c.level !== level || !isHotspot(c, rules)) continue;
      const inner = raised.some((h) => h.matterCode === c.matterCode && h.areaCode.startsWith(c.areaCode));
      if (!inner) raised.push({ ...c, usual: usualRate(c.baselineCount, rules) });
    }
  }
  return raised;
}

/** A supervisor's step on an alert: new → acknowledged → handled (handled directly from new too). */
export function decideAlertStep(state: HotspotState, action: HotspotAction): HotspotState {
  if (action === 'acknowledge' && state === 'new') return 'acknowledged';
  if (action === 'handle' && state !== 'handled') return 'handled';
  throw new DomainError('HOTSPOT_STEP_REFUSED', `该预警${HOTSPOT_STATE_LABELS[state]}，不能再${action === 'handle' ? '处置' : '知悉'}`, {
    state,
  });
}
