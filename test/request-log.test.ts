/** What a request leaves behind: a bounded request id, and no secrets from the URL in the log. */
import { Writable } from 'node:stream';
import t from 'tap';
import { redactUrl } from '../server/http/request-log.ts';
import { testApp } from './support/app.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

t.test('a client request id is echoed only when it is a short token', async (t) => {
  const h = await testApp(t);
  const short = await h.app.inject({ url: '/healthz', headers: { 'x-request-id': 'desk-42.abc:1' } });
  t.equal(short.headers['x-request-id'], 'desk-42.abc:1', 'a sane id is kept, so a desk can follow its request');
  for (const [what, id] of [
    ['5,000 characters', 'a'.repeat(5000)],
    ['a forged log line', 'x\\n{"level":50,"msg":"forged"}'],
    ['spaces and quotes', 'id with "quotes"'],
  ]) {
    const res = await h.app.inject({ url: '/healthz', headers: { 'x-request-id': id! } });
    t.not(res.headers['x-request-id'], id, `${what}: not taken`);
    t.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/, `${what}: a fresh id instead`);
  }
});

t.test('secrets in query strings are not written to the log', async (t) => {
  const { lines, stream } = capture();
  const h = await testApp(t, { logger: { level: 'info', stream } });
  await h.app.inject({ url: '/api/track/12345-20261124-000001?phone4=5678&code=K7QX2MPA' });
  await h.app.inject({ url: '/api/orders?phone4=5678&code=K7QX2MPA&lang=zh' });
  const log = lines.join('');
  t.match(log, /\/api\/track\/12345-20261124-000001/, 'the tracking request is logged');
  t.match(log, /\/api\/orders\?/, 'and the other one, with its query string');
  t.notMatch(log, /5678/, 'no phone digits');
  t.notMatch(log, /K7QX2MPA/, 'no query code');
  t.match(log, /lang=zh/, 'harmless parameters stay readable');
});

t.test('redactUrl replaces secret values whatever their case or encoding, and keeps the rest', async (t) => {
  t.equal(redactUrl('/a?phone4=1234'), '/a?phone4=***');
  t.equal(redactUrl('/a?Code=abc&x=1'), '/a?Code=***&x=1');
  t.equal(redactUrl('/a?%63ode=abc'), '/a?%63ode=***', 'a percent-encoded name is still the name');
  t.equal(redactUrl('/a?token'), '/a?token', 'a name without a value has nothing to hide');
  t.equal(redactUrl('/a/b'), '/a/b');
  t.equal(redactUrl('/a?%E0%A4%A=1&code=2'), '/a?%E0%A4%A=1&code=***', 'a malformed name does not stop the rest');
});
