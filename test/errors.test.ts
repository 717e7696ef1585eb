/**
 * One catalogue of error codes: each code once, with one status and a Chinese
 * message, and the errors plugin answers each exactly so.
 */
import Fastify from 'fastify';
import t from 'tap';
import { DomainError, ERROR_CATALOGUE, type ErrorCode } from '../server/core/errors.ts';
import errorsPlugin, { statusOf } from '../server/plugins/errors.ts';

const CHINESE = /[\u4e00-\u9fff]/;

t.test('the errors plugin answers every code of the catalogue with the one status of its kind and a Chinese message', async (t) => {
  const app = Fastify();
  await app.register(errorsPlugin);
  app.get('/throw/:code', async (request) => {
    throw new DomainError((request.params as { code: ErrorCode }).code);
  });
  app.get('/throw-precise/:code', async (request) => {
    throw new DomainError((request.params as { code: ErrorCode }).code, '工单 12345-20261124-000001 的说明', { field: 'unitId' });
  });
  t.teardown(() => app.close());
  const codes = Object.keys(ERROR_CATALOGUE) as ErrorCode[];
  t.ok(codes.length >= 40, `${codes.length} codes`);
  for (const code of codes) {
    const { message } = ERROR_CATALOGUE[code];
    const status = statusOf(code);
    t.ok(status >= 400 && status < 600, `${code}: an error status`);
    t.match(message, CHINESE, `${code}: its message is Chinese`);
    const res = await app.inject(`/throw/${code}`);
    t.equal(res.statusCode, status, `${code} answers ${status}`);
    t.same([res.json().code, res.json().message], [code, message], `${code}: the code and the catalogue's message`);
    const precise = await app.inject(`/throw-precise/${code}`);
    t.same(
      [precise.statusCode, precise.json().message, precise.json().field],
      [status, '工单 12345-20261124-000001 的说明', 'unitId'],
      `${code}: a precise message and the field`,
    );
  }
});

t.test('what the framework refuses is answered from the catalogue too, in Chinese', async (t) => {
  const app = Fastify();
  await app.register(errorsPlugin);
  app.post(
    '/echo',
    { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } },
    async (r) => r.body,
  );
  t.teardown(() => app.close());
  const missing = await app.inject({ method: 'POST', url: '/echo', payload: {} });
  t.same([missing.statusCode, missing.json().code], [400, 'VALIDATION_FAILED']);
  t.match(missing.json().message, CHINESE);
  const badJson = await app.inject({ method: 'POST', url: '/echo', payload: '{"name":', headers: { 'content-type': 'application/json' } });
  t.same([badJson.statusCode, badJson.json().code], [400, 'FST_ERR_CTP_INVALID_JSON_BODY']);
  t.match(badJson.json().message, CHINESE);
  const nowhere = await app.inject('/nowhere');
  t.same([nowhere.statusCode, nowhere.json().code], [404, 'ROUTE_NOT_FOUND']);
  t.match(nowhere.json().message, CHINESE);
});
