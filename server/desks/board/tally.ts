/**
 * The board's arithmetic, pure (tested by test/board-tally.test.ts): the lines of
 * the orders it shows, loaded once (GET /api/sla/board/orders) and patched from the
 * live feed's events, each of which carries the order's running clocks as they stand;
 * the counts, the unit tree, the late and at-risk lists and the live strip all follow
 * from the lines and the time. No event makes the board ask the server again: a
 * thousand boards on a busy night cost the database one load each.
 */
import { CLOCK_STANDINGS, STAGES, STAGE_LABELS, stageOfAction, type ClockStanding } from '../../core/deadlines.ts';

export type Standing = ClockStanding;
export interface BoardClock {
  kind: string;
  unitPath: string;
  dueAt: string;
  stage: number;
}
export interface Extension {
  id: number;
  clock: string;
  requestedDueAt: string;
  reason: string;
}
export interface Line {
  id: number;
  number: string;
  status: string;
  currentUnitId: string;
  urgency: string;
  content: string;
  urgeCount: number;
  supervisedAt: string | null;
  /** The latest event already in the line: events at or below it are skipped. */
  version: number;
  clocks: BoardClock[];
  extensions: Extension[];
}
/** A live event as the feed sends it (server/plugins/live.ts). */
export interface BoardEvent {
  eventId: number;
  type: string;
  action: string;
  at: string;
  order: { id: number; number: string; status: string; currentUnitId: string; urgency: string };
  board?: {
    content: string;
    urgeCount: number;
    supervisedAt: string | null;
    clocks: BoardClock[];
    note: string | null;
    extension: { id: number; clock: string; requestedDueAt: string | null } | null;
  };
}
export interface StripItem {
  eventId: number;
  at: string;
  kind: 'warning' | 'overdue' | 'escalated' | 'urge' | 'supervise' | 'extension' | 'hotspot';
  label: string;
  orderId: number;
  number: string;
  unitId: string;
  note: string | null;
}
export type Counts = Record<Standing, number>;
export interface UnitNode {
  id: string;
  /** Every clock in the unit's subtree (the unit's own and below). */
  counts: Counts;
  /** The clocks the unit itself holds. */
  own: Counts;
  children: UnitNode[];
}

const OVERDUE_STAGE = STAGES.indexOf('overdue');
const zero = (): Counts => ({ onTime: 0, atRisk: 0, overdue: 0 });

/** 红灯 once due (or once the sweeper said so), 黄灯 once a warning fired, else on time. */
export function standingOf(c: BoardClock, now: number): Standing {
  if (Date.parse(c.dueAt) <= now || c.stage >= OVERDUE_STAGE) return 'overdue';
  return c.stage >= 0 ? 'atRisk' : 'onTime';
}

const RANK: Record<Standing, number> = { onTime: 0, atRisk: 1, overdue: 2 };
/** The worst of a line's clocks, nearest due first among equals. */
export function worstClock(line: Line, now: number): { clock: BoardClock; standing: Standing } | null {
  let best: { clock: BoardClock; standing: Standing } | null = null;
  for (const clock of line.clocks) {
    const standing = standingOf(clock, now);
    if (!best || RANK[standing] > RANK[best.standing] || (standing === best.standing && clock.dueAt < best.clock.dueAt)) {
      best = { clock, standing };
    }
  }
  return best;
}

/** What the strip says of an event, or null when it is not one a supervisor watches for. */
export function stripItemOf(e: BoardEvent): StripItem | null {
  const stage = stageOfAction(e.action);
  const base = { eventId: e.eventId, at: e.at, orderId: e.order.id, number: e.order.number, unitId: e.order.currentUnitId };
  const note = e.board?.note ?? null;
  if (stage) {
    const kind = e.type === 'sla.overdue' ? 'overdue' : e.type === 'sla.escalated' ? 'escalated' : 'warning';
    return { ...base, kind, label: STAGE_LABELS[stage], note: null };
  }
  if (e.action === 'urge') return { ...base, kind: 'urge', label: '催办', note };
  if (e.action === 'supervise') return { ...base, kind: 'supervise', label: '督办', note };
  if (e.action === 'request_extension') return { ...base, kind: 'extension', label: '申请延期', note };
  // 热点预警: the job's event on each order of a cluster; its note says where, what and how many.
  if (e.action === 'hotspot') return { ...base, kind: 'hotspot', label: '热点预警', note };
  return null;
}

/**
 * Patches the lines with events (in any order, any number of times: an event at or
 * below a line's version changes nothing) and returns the strip items they make, new
 * ones only (`seen` holds the ids already in the strip). A line whose clocks all left
 * the subtree (`path`, the board unit's 'a/b/') or stopped is removed.
 */
export function applyEvents(lines: Map<number, Line>, events: BoardEvent[], path: string, seen: Set<number>): StripItem[] {
  const strip: StripItem[] = [];
  for (const e of events) {
    if (!seen.has(e.eventId)) {
      seen.add(e.eventId);
      const item = stripItemOf(e);
      if (item) strip.push(item);
    }
    const b = e.board;
    if (!b) continue;
    const old = lines.get(e.order.id);
    if (old && e.eventId <= old.version) continue;
    const clocks = b.clocks.filter((c) => c.unitPath.startsWith(path));
    if (clocks.length === 0) {
      lines.delete(e.order.id);
      continue;
    }
    let extensions = old?.extensions ?? [];
    const x = b.extension;
    if (x && e.action === 'request_extension' && x.requestedDueAt && !extensions.some((p) => p.id === x.id)) {
      extensions = [...extensions, { id: x.id, clock: x.clock, requestedDueAt: x.requestedDueAt, reason: b.note ?? '' }];
    } else if (x && (e.action === 'approve_extension' || e.action === 'reject_extension')) {
      extensions = extensions.filter((p) => p.id !== x.id);
    }
    lines.set(e.order.id, {
      id: e.order.id,
      number: e.order.number,
      status: e.order.status,
      currentUnitId: e.order.currentUnitId,
      urgency: e.order.urgency,
      content: b.content,
      urgeCount: b.urgeCount,
      supervisedAt: b.supervisedAt,
      version: e.eventId,
      clocks,
      extensions,
    });
  }
  return strip;
}

/** Worst first: more overdue, then more at risk, then more running; ties by unit id. */
export function worseFirst(a: { id: string; counts: Counts }, b: { id: string; counts: Counts }): number {
  return (
    b.counts.overdue - a.counts.overdue ||
    b.counts.atRisk - a.counts.atRisk ||
    b.counts.onTime - a.counts.onTime ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export const isZero = (c: Counts) => c.onTime + c.atRisk + c.overdue === 0;

/**
 * The board unit's tree of counts at `now`: a node for each unit below that holds a
 * clock (and for each direct child named in `childIds`, zero or not), each node's
 * counts its whole subtree's, children worst first.
 */
export function tallyTree(lines: Iterable<Line>, root: { id: string; path: string }, childIds: string[], now: number): UnitNode {
  const node = (id: string): UnitNode => ({ id, counts: zero(), own: zero(), children: [] });
  const top = node(root.id);
  const index = new Map<UnitNode, Map<string, UnitNode>>();
  const childOf = (parent: UnitNode, id: string) => {
    let kids = index.get(parent);
    if (!kids) index.set(parent, (kids = new Map()));
    let n = kids.get(id);
    if (!n) {
      kids.set(id, (n = node(id)));
      parent.children.push(n);
    }
    return n;
  };
  for (const id of childIds) childOf(top, id);
  for (const line of lines) {
    for (const clock of line.clocks) {
      if (!clock.unitPath.startsWith(root.path)) continue;
      const s = standingOf(clock, now);
      const below = clock.unitPath.slice(root.path.length).split('/').filter(Boolean);
      let at = top;
      at.counts[s]++;
      for (const id of below) {
        at = childOf(at, id);
        at.counts[s]++;
      }
      at.own[s]++;
    }
  }
  const sort = (n: UnitNode) => {
    n.children.sort(worseFirst);
    n.children.forEach(sort);
  };
  sort(top);
  return top;
}

export interface ListItem {
  line: Line;
  clock: BoardClock;
  standing: Standing;
  /** Milliseconds past the due instant (negative: still to go). */
  overMs: number;
}

/** The 红灯 list (longest over first) and the 黄灯 list (nearest due first), each line under its worst clock. */
export function lateLists(lines: Iterable<Line>, now: number): { overdue: ListItem[]; atRisk: ListItem[] } {
  const out = { overdue: [] as ListItem[], atRisk: [] as ListItem[] };
  for (const line of lines) {
    const w = worstClock(line, now);
    if (!w || w.standing === 'onTime') continue;
    out[w.standing].push({ line, clock: w.clock, standing: w.standing, overMs: now - Date.parse(w.clock.dueAt) });
  }
  const byDue = (a: ListItem, b: ListItem) => Date.parse(a.clock.dueAt) - Date.parse(b.clock.dueAt) || a.line.id - b.line.id;
  out.overdue.sort(byDue);
  out.atRisk.sort(byDue);
  return out;
}

/** The pending extensions of the board's orders, oldest request first (by id). */
export function pendingExtensions(lines: Iterable<Line>): { line: Line; extension: Extension }[] {
  const out: { line: Line; extension: Extension }[] = [];
  for (const line of lines) for (const extension of line.extensions) out.push({ line, extension });
  return out.sort((a, b) => a.extension.id - b.extension.id);
}

/** 2小时5分 / 3天2小时 / 45分: how long over (or left), as the board says it. */
export function spanLabel(ms: number): string {
  const m = Math.max(0, Math.floor(Math.abs(ms) / 60_000));
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  if (d) return `${d}天${h ? `${h}小时` : ''}`;
  if (h) return `${h}小时${min ? `${min}分` : ''}`;
  return `${min}分`;
}

export { CLOCK_STANDINGS };
