/**
 * Names for the codes orders carry (matter, unit, area), fetched once and shared
 * by every component of a desk: a table row shows 环境卫生与垃圾 and
 * 河东区城市管理委员会, never `urban.sanitation` or `120102:urban`.
 */
import { reactive } from 'vue';
import { api, type Matters } from './api.ts';

const matters = reactive(new Map<string, { name: string; family: string }>());
const units = reactive(new Map<string, string>());
const areas = reactive(new Map<string, string>());
let catalogue: Promise<Matters> | null = null;
let features: ReturnType<typeof api.features> | null = null;

/** What this service offers (knowledge base, request types), asked once per page. */
export const loadFeatures = () => (features ??= api.features().catch(() => ({ knowledgeBase: false, requestType: false })));
const asked = new Set<string>();
let batch: string[] = [];

/** The taxonomy, grouped by family (for the matter picker), loaded once. */
export function loadMatters(): Promise<Matters> {
  catalogue ??= api.matters().then((m) => {
    for (const f of m.families) for (const c of f.matters) matters.set(c.code, { name: c.name, family: f.name });
    return m;
  });
  return catalogue;
}

export const matterName = (code: string | null | undefined) => (code ? (matters.get(code)?.name ?? '（未知事项）') : '—');

/** A unit's name; unknown ones are fetched in one batch and appear when they arrive. */
export function unitName(id: string | null | undefined): string {
  if (!id) return '—';
  const name = units.get(id);
  if (name) return name;
  if (!asked.has(id)) {
    asked.add(id);
    batch.push(id);
    if (batch.length === 1) queueMicrotask(flushUnits);
  }
  return '…';
}

async function flushUnits() {
  const ids = batch.splice(0, 50);
  if (batch.length) queueMicrotask(flushUnits);
  try {
    const { units: found } = await api.unitNames(ids);
    for (const u of found) units.set(u.id, u.name);
    for (const id of ids) if (!units.has(id)) units.set(id, '（未知单位）');
  } catch {
    for (const id of ids) asked.delete(id);
  }
}

export function noteUnit(id: string, name: string) {
  units.set(id, name);
}

/** Areas are named as the desk meets them (classification paths, the tree picker). */
export function noteArea(code: string, name: string) {
  areas.set(code, name);
}
export const areaName = (code: string | null | undefined) => (code ? (areas.get(code) ?? '（区划）') : '—');
