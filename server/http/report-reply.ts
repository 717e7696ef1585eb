/**
 * The answer of every report: JSON, or the same rows as a CSV download named in
 * Chinese, chosen by `format=` or by the client's Accept q-values.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.ts';
import { MAX_DAYS, toCsv, type Column } from '../routes/reports.schema.ts';

const DAY_MS = 86_400_000;
/** China has kept one offset all year since 1991: a Beijing day is a fixed UTC span. */
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** The period of a report: Beijing days from `from` to `to`, both included, at most MAX_DAYS. */
export function period(from: string, to: string): { start: Date; end: Date } {
  const start = dayStart(from);
  const last = dayStart(to);
  if (last < start) throw new DomainError('VALIDATION_FAILED', `截止日 to（${to}）早于起始日 from（${from}）`, { field: 'to' });
  const days = Math.round((last.getTime() - start.getTime()) / DAY_MS) + 1;
  if (days > MAX_DAYS)
    throw new DomainError('VALIDATION_FAILED', `统计期间为 ${days} 天，最长 ${MAX_DAYS} 天，请分段查询`, { field: 'to' });
  return { start, end: new Date(last.getTime() + DAY_MS) };
}

/** CSV only when the client prefers it to JSON by its q-values; JSON wins ties and wildcards. */
export function prefersCsv(accept: string | undefined): boolean {
  let csv = 0;
  let json = 0;
  for (const part of (accept ?? '').toLowerCase().split(',')) {
    const [type, ...params] = part.split(';').map((p) => p.trim());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1);
    if (type === 'text/csv') csv = Math.max(csv, q);
    if (type === 'application/json') json = Math.max(json, q);
  }
  return csv > json;
}

/** RFC 5987 for filename*: encodeURIComponent leaves ' ( ) * as they are. */
const extValue = (name: string) => encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);

export function sendReport<R, B extends { unit: { id: string; name: string }; from: string; to: string; rows: R[] }>(
  request: FastifyRequest,
  reply: FastifyReply,
  report: { key: string; title: string },
  body: B,
  columns: Column<R>[],
) {
  const q = request.query as { format?: 'json' | 'csv' };
  const wantsCsv = q.format ? q.format === 'csv' : prefersCsv(request.headers.accept);
  if (!wantsCsv) return reply.type('application/json; charset=utf-8').send(body);
  const ascii = `${report.key}_${body.unit.id.replace(/[^A-Za-z0-9_.-]/g, '_')}_${body.from}_${body.to}.csv`;
  const named = `${report.title}_${body.unit.name}_${body.from}至${body.to}.csv`;
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${extValue(named)}`)
    .send(toCsv(columns, body.rows));
}
