/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2:
 * discovery, services, service definitions, service requests and tokens, each in
 * `.json` and `.xml`. The routes speak the standard exactly (its form-encoded POST,
 * its documents and its `errors` list), so they are kept out of /docs, whose
 * operations all speak this service's own JSON; the README documents them.
 */
import { isUtf8 } from 'node:buffer';
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { toBody } from '../plugins/errors.ts';
import { errorItems, Open311Error, open311Status } from '../open311/errors.ts';
import {
  CONTENT_TYPES,
  FORMATS,
  formatOfUrl,
  renderDocument,
  renderList,
  splitFormat,
  w3,
  type Format,
  type Item,
} from '../open311/format.ts';
import { createOpen311Service, type Query } from '../open311/service.ts';
import { findService, serviceDefinition, serviceList } from '../open311/services.ts';
import { parseSubmission } from '../open311/submission.ts';

export interface Open311Options {
  /** The one jurisdiction served; a request naming another is a 404. */
  jurisdictionId?: string;
  /** Discovery's `contact`: how to reach the people who run the endpoint. */
  contact?: string;
  /** GET requests per client address per minute: the listing is public and costs a query. */
  readsPerMinute?: number;
}

const hidden = { hide: true } as const;
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

function send(reply: FastifyReply, format: Format, body: string) {
  return reply.type(CONTENT_TYPES[format]).send(body);
}

const open311Routes: FastifyPluginAsync<Open311Options> = async (app, opts) => {
  const jurisdictionId = opts.jurisdictionId ?? '120000';
  const service = createOpen311Service({
    db: app.db,
    sql: app.sql,
    classifier: () => app.classifier,
    orders: app.orders,
    now: () => app.clock.now(),
    jurisdictionId,
  });
  // Sortable, as discovery asks: the services are the rules loaded at start, so they change with a start.
  const changeset = w3(app.clock.now())!;

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, message: `请求过于频繁，请 ${Math.ceil(ctx.ttl / 1000)} 秒后再试` }),
  });
  const reads = { rateLimit: { max: opts.readsPerMinute ?? 120, timeWindow: 60_000 } };

  // The spec's POST is a form. Parsed here only, so no other route accepts forms.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: 32 * 1024 }, (_req, body: Buffer, done) => {
    if (!isUtf8(body)) return done(new Open311Error(400, '请求体不是 UTF-8 编码'), undefined);
    done(null, new URLSearchParams(body.toString('utf8')));
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    let status;
    let description;
    if (err instanceof Open311Error) {
      status = err.status;
      description = err.description;
    } else {
      const body = toBody(err, request);
      status = open311Status(body.statusCode);
      description = body.field && !body.message.includes(body.field) ? `${body.field}：${body.message}` : body.message;
    }
    if (status >= 500) request.log.error({ err }, 'open311 request failed');
    if (status === 503) reply.header('retry-after', '5');
    const format = formatOfUrl(request.url);
    return send(reply.status(status), format, renderList(format, 'errors', 'error', errorItems(status, description)));
  });
  app.setNotFoundHandler((request, reply) => {
    const format = formatOfUrl(request.url);
    const what = `没有这个资源：${request.method} ${request.url.split('?')[0]}`;
    return send(reply.status(404), format, renderList(format, 'errors', 'error', errorItems(404, what)));
  });

  const query = (request: FastifyRequest) => (request.query ?? {}) as Query;
  const jurisdiction = (request: FastifyRequest) => {
    const id = query(request).jurisdiction_id;
    service.checkJurisdiction(Array.isArray(id) ? id[0] : id);
  };
  /** `{name}.{format}` of a path parameter, or the spec's 404. */
  const fileOf = (file: string) => {
    const f = splitFormat(file);
    if (!f) throw new Open311Error(404, `没有这个资源：${file}（须以 .json 或 .xml 结尾）`);
    return f;
  };

  for (const format of FORMATS) {
    app.get(`/discovery.${format}`, { schema: hidden }, async (request, reply) => {
      const base = `${request.protocol}://${request.host}${request.url.slice(0, request.url.indexOf('/discovery.'))}`;
      const doc: Item = {
        changeset,
        contact: opts.contact ?? '12345 政务服务便民热线：接入问题请联系热线管理员',
        key_service: '接入密钥（api_key）由热线管理员签发：npm run open311:client -- 接入方名称',
        endpoints: [
          {
            specification: SPECIFICATION,
            url: base,
            changeset,
            type: 'production',
            formats: [CONTENT_TYPES.xml, CONTENT_TYPES.json].map((t) => t.split(';')[0]!),
          },
        ],
      };
      return send(reply, format, renderDocument(format, 'discovery', doc, { endpoints: 'endpoint', formats: 'format' }));
    });

    app.get(`/services.${format}`, { schema: hidden }, async (request, reply) => {
      jurisdiction(request);
      return send(reply, format, renderList(format, 'services', 'service', serviceList(app.classifier.rules)));
    });

    app.post(`/requests.${format}`, { schema: hidden }, async (request, reply) => {
      const form = request.body instanceof URLSearchParams ? request.body : null;
      if (!form) throw new Open311Error(400, '请以 application/x-www-form-urlencoded 提交（见 GeoReport v2 POST Service Request）');
      service.checkJurisdiction(form.get('jurisdiction_id') || (query(request).jurisdiction_id as string | undefined));
      const client = await service.authenticate(form.get('api_key') || null);
      const submission = parseSubmission(form);
      const made = await service.create(submission, client, request.ip);
      const item: Item = { service_request_id: made.number, service_notice: made.notice, account_id: null };
      return send(reply.status(made.created ? 201 : 200), format, renderList(format, 'service_requests', 'request', [item]));
    });

    app.get(`/requests.${format}`, { schema: hidden, config: reads }, async (request, reply) => {
      jurisdiction(request);
      return send(reply, format, renderList(format, 'service_requests', 'request', await service.list(query(request))));
    });
  }

  app.get<{ Params: { file: string } }>('/services/:file', { schema: hidden }, async (request, reply) => {
    jurisdiction(request);
    const { name, format } = fileOf(request.params.file);
    const matter = findService(app.classifier.rules, name);
    if (!matter) throw new Open311Error(404, `service_code ${name} 不存在（见 services.json）`, 'service_code');
    return send(reply, format, renderDocument(format, 'service_definition', serviceDefinition(matter), { attributes: 'attribute' }));
  });

  app.get<{ Params: { file: string } }>('/requests/:file', { schema: hidden, config: reads }, async (request, reply) => {
    jurisdiction(request);
    const { name, format } = fileOf(request.params.file);
    return send(reply, format, renderList(format, 'service_requests', 'request', await service.one(name)));
  });

  app.get<{ Params: { file: string } }>('/tokens/:file', { schema: hidden, config: reads }, async (request, reply) => {
    jurisdiction(request);
    const { name, format } = fileOf(request.params.file);
    return send(reply, format, renderList(format, 'service_requests', 'request', await service.token(name)));
  });
};

export default open311Routes;
