/** GET /api/meta/user-names: the desks name who made a change (`user:<id>`), nothing but the name. */
import t from 'tap';
import { createUser } from '../db/queries/users.ts';
import { signIn, testApp } from './support/app.ts';

t.test('user names by id: signed in only, unknown ids left out, only id and name', async (t) => {
  const h = await testApp(t);
  const a = await createUser(h.db.db, {
    username: 'kb-li',
    displayName: '李知识',
    unitId: 'hotline-kb',
    roles: ['kb_admin'],
    password: 'pw-kb-li-secret',
  });
  const desk = await signIn(h, ['kb_editor'], 'hotline');
  t.equal((await h.app.inject({ method: 'GET', url: `/api/meta/user-names?ids=${a.id}` })).statusCode, 401, 'signed in only');
  const res = await desk.get(`/api/meta/user-names?ids=${a.id},999999`);
  t.equal(res.statusCode, 200);
  t.same(res.json(), { users: [{ id: a.id, name: '李知识' }] }, 'the name, no username, roles or unit; unknown id left out');
  t.equal((await desk.get('/api/meta/user-names?ids=abc')).statusCode, 400, 'ids are numbers');
  t.equal(
    (await desk.get(`/api/meta/user-names?ids=${Array.from({ length: 51 }, (_, i) => i + 1).join(',')}`)).statusCode,
    400,
    'at most 50',
  );
});
