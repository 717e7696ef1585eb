import { isUtf8 } from 'node:buffer';
import { DomainError } from '../core/errors.ts';
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';

/**
 * Instants the service can store: the RFC 3339 of ajv-formats narrowed to what
 * JavaScript and PostgreSQL both read the same way. ajv-formats admits a leap
 * second (23:59:60, which Date cannot parse), offsets up to ±23:59 (PostgreSQL
 * refuses beyond ±15:59; no place on Earth is beyond ±14:00) and year 0000
 * (which PostgreSQL has not). No order or call predates 1900, and the upper end
 * stays clear of six-digit years, whatever offset or extra day is applied.
 */
const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(9999, 0, 1);
const OFFSET = /([+-])(\d\d):?(\d\d)$/;

function storable(rfc3339: (s: string) => boolean) {
  return (s: string) => {
    if (!rfc3339(s)) return false;
    const offset = OFFSET.exec(s);
    if (offset && Number(offset[2]) * 60 + Number(offset[3]) > 14 * 60) return false;
    const at = Date.parse(s);
    return Number.isFinite(at) && at >= EARLIEST && at < LATEST;
  };
}

/**
 * Bodies are checked strictly: a wrong type or an extra field is an error, never
 * silently coerced or dropped. Query strings and path parameters arrive as text,
 * so there types are coerced.
 */
function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, useDefaults: true, strict: false, ...options });
  addFormats.default(ajv);
  for (const name of ['date', 'date-time'] as const) {
    const format = ajv.formats[name] as { validate: (s: string) => boolean };
    ajv.addFormat(name, { type: 'string', validate: storable(format.validate) });
  }
  return ajv;
}

const strict = makeAjv({ coerceTypes: false, removeAdditional: false });
const lenient = makeAjv({ coerceTypes: 'array', removeAdditional: false });

/**
 * PostgreSQL text cannot hold NUL, and jsonb refuses an unpaired UTF-16 surrogate
 * (JSON's "\ud800" parses into one): such strings are refused here, naming the
 * field, instead of failing in the database as a 500.
 */
const NOT_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The JSON pointer of the first key or string that is not text, or null. Iterative: depth is the schema's, not the stack's. */
function notTextAt(data: unknown): string | null {
  const stack: [unknown, string][] = [[data, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (NOT_TEXT.test(value)) return path;
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const at = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
        if (NOT_TEXT.test(key)) return at;
        stack.push([child, at]);
      }
    }
  }
  return null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fastify's compiler type is generic over any schema
export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  const validate = (httpPart === 'body' ? strict : lenient).compile(schema);
  // The schema first, so only data of the schema's (bounded) shape is walked.
  const checked = (data: unknown, context?: Parameters<typeof validate>[1]): boolean => {
    if (!validate(data, context)) {
      checked.errors = validate.errors;
      return false;
    }
    const at = notTextAt(data);
    const error: ErrorObject = {
      keyword: 'text',
      instancePath: at ?? '',
      schemaPath: '#',
      params: {},
      message: 'must be text: no NUL characters or unpaired UTF-16 surrogates',
    };
    checked.errors = at === null ? null : [error];
    return at === null;
  };
  checked.errors = null as ErrorObject[] | null | undefined;
  // Fastify hands Ajv the parent object (so defaults and coercion reach the root) only when it sees this.
  checked.schemaEnv = validate.schemaEnv;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  return checked as unknown as ReturnType<FastifySchemaCompiler<any>>;
};

/**
 * JSON bodies must be UTF-8 (RFC 8259). Fastify's own parser decodes other bytes
 * to U+FFFD and carries on, so a complaint would be stored altered; here such a
 * body is refused, and everything else goes to that same parser (with its
 * __proto__ and constructor checks).
 */
export function strictJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (!isUtf8(body)) return done(new DomainError('INVALID_UTF8', '请求体不是有效的 UTF-8 编码的 JSON'), undefined);
    parse(request, body.toString('utf8'), done);
  });
}
