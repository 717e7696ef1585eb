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
const batch: string[] = [];

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

/** An area's name with its parents below the city (河东区 › 大王庄街道), fetched in one batch when not yet met. */
export function areaName(code: string | null | undefined): string {
  if (!code) return '—';
  const name = areas.get(code);
  if (name) return name;
  if (!askedAreas.has(code)) {
    askedAreas.add(code);
    areaBatch.push(code);
    if (areaBatch.length === 1) queueMicrotask(flushAreas);
  }
  return '…';
}
const askedAreas = new Set<string>();
const areaBatch: string[] = [];

async function flushAreas() {
  const codes = areaBatch.splice(0, 50);
  if (areaBatch.length) queueMicrotask(flushAreas);
  try {
    const { areas: found } = await api.areaNames(codes);
    for (const a of found)
      areas.set(
        a.code,
        a.path
          .slice(1)
          .map((p) => p.name)
          .join(' › ') || a.name,
      );
    for (const code of codes) if (!areas.has(code)) areas.set(code, '（未知区划）');
  } catch {
    for (const code of codes) askedAreas.delete(code);
  }
}

/** Paths met on the way (classification answers) name their areas without asking. */
export function notePath(path: { code: string; name: string }[]) {
  for (let i = 1; i <= path.length; i++) {
    const p = path.slice(0, i);
    areas.set(
      p[p.length - 1]!.code,
      p
        .slice(1)
        .map((x) => x.name)
        .join(' › ') || p[0]!.name,
    );
  }
}
