import { createRequire } from 'node:module';
import type { Localize } from 'ajv-i18n/localize/types.js';
import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, ERROR_CATALOGUE, isErrorCode, type ErrorCode } from '../core/errors.ts';
import { statusOf } from '../http/status.ts';

export { statusOf };

// A CommonJS function whose typings claim an ES default export: load it as what it is.
const localizeZh = createRequire(import.meta.url)('ajv-i18n/localize/zh') as Localize;

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  field?: string;
  details?: Record<string, unknown>;
  requestId: string;
}

/** The error itself or what it wraps: drizzle wraps the driver's error in `cause`. */
function codeOf(err: { code?: unknown; cause?: unknown }): string {
  if (typeof err.code === 'string') return err.code;
  const cause = err.cause as { code?: unknown } | undefined;
  return cause && typeof cause.code === 'string' ? cause.code : '';
}

/** PostgreSQL SQLSTATE classes and driver codes that mean "the database is away". */
function isDatabaseUnavailable(err: { code?: unknown; cause?: unknown }): boolean {
  const code = codeOf(err);
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'EPIPE'].includes(
      code,
    ) ||
    code.startsWith('08') || // connection exception
    code === '57P01' || // admin shutdown
    code === '57P02' || // crash shutdown
    code === '57P03' // cannot connect now
  );
}

/** Ajv reports `/citizenPhone` or a missing property; turn either into the field's name. */
function fieldOf(err: FastifyError): string | undefined {
  const first = err.validation?.[0];
  if (!first) return undefined;
  const missing = (first.params as { missingProperty?: string }).missingProperty;
  const extra = (first.params as { additionalProperty?: string }).additionalProperty;
  const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return [path, missing ?? extra].filter(Boolean).join('.') || undefined;
}

/** An answer from the catalogue: its status, and its message unless a more precise one is given. */
const answer = (code: ErrorCode, requestId: string, extra: Partial<ErrorBody> = {}): ErrorBody => ({
  statusCode: statusOf(code),
  code,
  message: ERROR_CATALOGUE[code].message,
  requestId,
  ...extra,
});

export function toBody(err: FastifyError & { code?: string }, request: FastifyRequest): ErrorBody {
  const requestId = request.id;
  if (err instanceof DomainError) {
    const field = typeof err.details?.field === 'string' ? err.details.field : undefined;
    return answer(err.code, requestId, { message: err.message, field, details: err.details });
  }
  if (err.validation) {
    const field = fieldOf(err);
    const where = WHERE[err.validationContext ?? ''] ?? '请求';
    // Ajv's own words, in Chinese (ajv-i18n), after the field they are about.
    const first = { ...err.validation[0] } as ErrorObject;
    localizeZh([first]);
    const message = `${where}${field ? ` ${field}` : ''} 不符合要求：${first.message ?? ERROR_CATALOGUE.VALIDATION_FAILED.message}`;
    return answer('VALIDATION_FAILED', requestId, { message, field });
  }
  if (isDatabaseUnavailable(err)) return answer('DATABASE_UNAVAILABLE', requestId);
  if (codeOf(err) === '40001' || codeOf(err) === '40P01') return answer('CONFLICT_RETRY', requestId);
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // The limit in force for this route (its own, or the server's), so a client knows what to send.
    const limit = request.routeOptions.bodyLimit;
    const message = `请求体超过 ${limit} 字节（${limit / 1024} KiB）的上限`;
    return answer('FST_ERR_CTP_BODY_TOO_LARGE', requestId, { message, details: { limit } });
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors keep their code where the catalogue knows it, with its Chinese text.
    if (err.code && isErrorCode(err.code) && statusOf(err.code) === status) return answer(err.code, requestId);
    if (status === 429) return answer('RATE_LIMITED', requestId, { message: err.message });
    return { ...answer('BAD_REQUEST', requestId), statusCode: status };
  }
  return answer('INTERNAL', requestId);
}

/** Where a validation error was found, for the message. */
const WHERE: Record<string, string> = { body: '请求体', querystring: '查询参数', params: '路径参数', headers: '请求头' };

/** The one place errors become JSON. Stack traces go to the log, never to the client. */
export default fp(
  async function errors(app: FastifyInstance) {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const body = toBody(err, request);
      if (body.statusCode >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ code: body.code, field: body.field }, body.message);
      if (body.statusCode === 503) reply.header('retry-after', '5');
      if (body.statusCode === 409 && body.code === 'CONFLICT_RETRY') reply.header('retry-after', '1');
      return reply.status(body.statusCode).send(body);
    });
    app.setNotFoundHandler((request, reply) =>
      reply
        .status(404)
        .send(answer('ROUTE_NOT_FOUND', request.id, { message: `没有这个地址：${request.method} ${request.url.split('?')[0]}` })),
    );
  },
  { name: 'errors' },
);
