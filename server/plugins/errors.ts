import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';

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
    ['ECONNREFUSED', 'ECONNRESET', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'EPIPE'].includes(code) ||
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

function toBody(err: FastifyError & { code?: string }, request: FastifyRequest): ErrorBody {
  const requestId = request.id;
  if (err instanceof AppError) {
    const field = typeof err.details?.field === 'string' ? err.details.field : undefined;
    return { statusCode: err.statusCode, code: err.code, message: err.message, field, details: err.details, requestId };
  }
  if (err.validation) {
    const field = fieldOf(err);
    const where = err.validationContext ?? 'request';
    return {
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: `${where}${field ? `.${field}` : ''}: ${err.validation[0]?.message ?? err.message}`,
      field,
      requestId,
    };
  }
  if (isDatabaseUnavailable(err)) {
    return { statusCode: 503, code: 'DATABASE_UNAVAILABLE', message: '数据库暂不可用，请稍后重试', requestId };
  }
  if (codeOf(err) === '40001' || codeOf(err) === '40P01') {
    return { statusCode: 409, code: 'CONFLICT_RETRY', message: '并发冲突，请重试', requestId };
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // The limit in force for this route (its own, or the server's), so a client knows what to send.
    const limit = request.routeOptions.bodyLimit;
    const message = `请求体超过 ${limit} 字节（${limit / 1024} KiB）的上限`;
    return { statusCode: 413, code: err.code, message, details: { limit }, requestId };
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors (bad JSON, body too large, wrong content type) keep their code.
    return { statusCode: status, code: err.code ?? 'BAD_REQUEST', message: err.message, requestId };
  }
  return { statusCode: 500, code: 'INTERNAL', message: '服务内部错误', requestId };
}

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
      reply.status(404).send({
        statusCode: 404,
        code: 'ROUTE_NOT_FOUND',
        message: `${request.method} ${request.url.split('?')[0]} does not exist`,
        requestId: request.id,
      }),
    );
  },
  { name: 'errors' },
);
