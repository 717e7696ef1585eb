/**
 * The live figures under /api/reports: 今日来件 by hour against the same weekday a
 * week before, 超期在办 by clock, the wall (大屏) in one query, and the units a
 * viewer may pick on the reports page. Same access as the other reports: one's
 * own subtree, the whole city for the hotline's desk.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HOTLINE, intakeByHour, overdueByClock, wallFigures, type WallFigures } from '../../db/queries/reports.ts';
import { childUnits, visibleUnit } from '../../db/queries/units.ts';
import { isCityWide, type Viewer } from '../core/access.ts';
import { CLOCK_LABELS } from '../core/deadlines.ts';
import { period, ratio, sendReport } from '../http/report-reply.ts';
import { csvColumns, schemas } from './reports-live.schema.ts';

const DAY_MS = 86_400_000;
const BEIJING_MS = 8 * 3600_000;
/** A wall refreshes at most this often from the database, however many screens show it. */
const WALL_TTL_MS = 30_000;

/** The Beijing date of an instant, YYYY-MM-DD. */
const beijingDay = (at: Date) => new Date(at.getTime() + BEIJING_MS).toISOString().slice(0, 10);
const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

const liveReports: FastifyPluginAsyncTypebox = async (app) => {
  const walls = new Map<string, { until: number; figures: Promise<WallFigures> }>();

  /** The unit asked for (the viewer's own by default), named; the hotline centre stands for the whole city. */
  async function unitOf(viewer: Viewer, unitId = viewer.unitId) {
    const unit = await visibleUnit(app.sql, viewer, unitId);
    return { id: unit.id, name: unit.id === HOTLINE ? '全市' : unit.name };
  }

  app.get('/intake-hourly', { preHandler: app.requireUser(), schema: schemas.intake }, async (request, reply) => {
    const q = request.query;
    const now = app.clock.now();
    const today = beijingDay(now);
    const day = q.day ?? today;
    const { start } = period(day, day);
    const unit = await unitOf(request.viewer!, q.unit);
    const rows = await intakeByHour(app.sql, unit.id, start, q.requestType);
    const body = {
      unit,
      at: now.toISOString(),
      day,
      weekAgo: shiftDay(day, -7),
      from: day,
      to: day,
      currentHour: day === today ? new Date(now.getTime() + BEIJING_MS).getUTCHours() : null,
      rows,
    };
    return sendReport(request, reply, { key: 'intake_hourly', title: '今日来件_按小时' }, body, csvColumns.intake);
  });

  app.get('/overdue', { preHandler: app.requireUser(), schema: schemas.overdue }, async (request, reply) => {
    const q = request.query;
    const now = app.clock.now();
    const unit = await unitOf(request.viewer!, q.unit);
    const counts = await overdueByClock(app.sql, unit.id, now, q.requestType);
    const rows = counts.map((c) => ({ ...c, clockLabel: CLOCK_LABELS[c.kind] }));
    const day = beijingDay(now);
    const body = { unit, at: now.toISOString(), from: day, to: day, rows };
    return sendReport(request, reply, { key: 'overdue', title: '超期在办' }, body, csvColumns.overdue);
  });

  app.get('/wall', { preHandler: app.requireUser(), schema: schemas.wall }, async (request) => {
    const now = app.clock.now();
    const unit = await unitOf(request.viewer!, request.query.unit);
    const day = beijingDay(now);
    // Every screen of a unit shares one query per WALL_TTL_MS; a failed query is not kept.
    const key = `${unit.id}|${day}`;
    let cached = walls.get(key);
    if (!cached || cached.until <= now.getTime()) {
      const figures = wallFigures(app.sql, unit.id, period(day, day).start, now);
      for (const [k, v] of walls) if (v.until <= now.getTime()) walls.delete(k); // yesterday's and idle units' go
      cached = { until: now.getTime() + WALL_TTL_MS, figures };
      walls.set(key, cached);
      figures.catch(() => walls.delete(key));
    }
    const f = await cached.figures;
    return {
      unit,
      at: now.toISOString(),
      day,
      weekAgo: shiftDay(day, -7),
      currentHour: new Date(now.getTime() + BEIJING_MS).getUTCHours(),
      intake: f.intake,
      overdue: f.overdue.map((c) => ({ ...c, clockLabel: CLOCK_LABELS[c.kind] })),
      onTime: f.onTime.map((u) => ({ ...u, onTimeRate: ratio(u.onTime, u.onTime + u.late + u.overdue) })),
      matters: f.matters.map((m) => ({ ...m, name: app.classifier.rules.matterNames.get(m.code) ?? m.code })),
      areas: f.areas.map((a) => ({ code: a.code, name: a.name ?? a.code, count: a.count })),
    };
  });

  app.get('/units', { preHandler: app.requireUser(), schema: schemas.units }, async (request) => {
    const viewer = request.viewer!;
    const parent = request.query.parent;
    if (parent === undefined) {
      const own = isCityWide(viewer) ? HOTLINE : viewer.unitId;
      return { units: [{ ...(await unitOf(viewer, own)), leaf: false }] };
    }
    await unitOf(viewer, parent);
    const units =
      parent === HOTLINE ? (await childUnits(app.sql, null)).filter((u) => u.id !== HOTLINE) : await childUnits(app.sql, parent);
    return { units };
  });
};

export default liveReports;
