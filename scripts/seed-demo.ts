/**
 * `npm run seed:demo`: a working demo on the configured database (the embedded one
 * when DATABASE_URL is unset): users of every role across the Tianjin tree, with
 * passwords printed once, and orders in every state, made through the real API.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pino from 'pino';
import { exitIfEmbeddedUnavailable } from '../db/embedded-access.ts';
import { createUser } from '../db/queries/users.ts';
import { buildApp } from '../server/app.ts';
import { parseKbFile } from '../server/kb/transfer.ts';
import { loadConfig } from '../server/config.ts';
import type { Role } from '../server/core/access.ts';
import { prepare } from '../server/startup.ts';

const config = loadConfig();
const logger = pino({ level: 'warn' });
const { db, classifier, embedded } = await prepare(config, logger).catch((err: unknown) => {
  exitIfEmbeddedUnavailable(err);
  throw err;
});
const app = await buildApp({ db, classifier });

const people: { username: string; name: string; unit: string; roles: Role[] }[] = [
  { username: 'demo.operator', name: '话务员 王芳', unit: 'hotline', roles: ['operator'] },
  { username: 'demo.dispatcher', name: '派单员 李强', unit: 'hotline', roles: ['dispatcher'] },
  { username: 'demo.city.supervisor', name: '市督办 赵敏', unit: '120000', roles: ['supervisor'] },
  { username: 'demo.hedong.supervisor', name: '河东区督办 孙伟', unit: '120102', roles: ['supervisor'] },
  { username: 'demo.hedong.handler', name: '河东区承办人 周杰', unit: '120102', roles: ['handler'] },
  { username: 'demo.dawangzhuang.handler', name: '大王庄街道承办人 吴磊', unit: '120102001', roles: ['handler'] },
  { username: 'demo.chenghouli.handler', name: '诚厚里社区承办人 郑丽', unit: '120102001001', roles: ['handler'] },
  { username: 'demo.hedong.urban', name: '河东区城管委承办人 冯涛', unit: '120102:urban', roles: ['handler'] },
  { username: 'demo.heping.handler', name: '和平区承办人 陈静', unit: '120101', roles: ['handler'] },
  { username: 'demo.kb.admin', name: '知识库组 刘洋', unit: 'hotline-kb', roles: ['kb_admin'] },
  { username: 'demo.kb.editor', name: '市医保局知识库编辑 何雪', unit: '120000:medical_insurance', roles: ['kb_editor'] },
];

try {
  const [{ n }] = (await db.sql`select count(*)::int as n from users where username like 'demo.%'`) as unknown as [{ n: number }];
  if (n > 0) {
    console.log('demo users already exist; nothing changed (their passwords were printed when they were created)');
  } else {
    const tokens = new Map<string, string>();
    console.log('\ndemo users (passwords are shown this once):\n');
    for (const p of people) {
      const password = randomBytes(9).toString('base64url');
      await createUser(db.db, { username: p.username, displayName: p.name, unitId: p.unit, roles: p.roles, password });
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: p.username, password } });
      tokens.set(p.username, login.json().token);
      console.log(`  ${p.username.padEnd(28)} ${password}   ${p.name} (${p.roles.join(', ')} @ ${p.unit})`);
    }
    const as = (user: string) => ({ authorization: `Bearer ${tokens.get(user)}` });
    const post = async (user: string, url: string, payload?: object) => {
      const res = await app.inject({ method: 'POST', url, payload, headers: as(user) });
      if (res.statusCode >= 300) throw new Error(`${url}: ${res.body}`);
      return res.json();
    };
    const act = (user: string, id: number, action: string, body?: object) => post(user, `/api/orders/${id}/actions/${action}`, body);
    const intake = (content: string, extra: object = {}) =>
      post('demo.operator', '/api/orders', { channel: 'phone', citizenName: '张先生', citizenPhone: '13812345678', content, ...extra });

    // One order per state, each reached through the real actions.
    // An operator's explicit category keeps an order from dispatching itself.
    await intake('我想咨询一下办理居住证需要什么材料', { categoryCode: 'other' }); // received
    const accepted = await intake('小区门口的公交站牌被撞坏了，一直没人修', { categoryCode: 'other' });
    await act('demo.operator', accepted.id, 'accept');
    const auto = await intake('河东区大王庄街道诚厚里社区楼上邻居半夜跺脚，噪音太吵了'); // dispatched by the rules
    const claimed = await intake('诚厚里社区3号楼楼道堆满杂物，物业不管', { categoryCode: 'housing.property', areaCode: '120102001001' });
    await act('demo.dispatcher', claimed.id, 'accept');
    await act('demo.dispatcher', claimed.id, 'dispatch', { unitId: '120102' });
    await act('demo.hedong.handler', claimed.id, 'claim');
    const replied = await intake('河东区大王庄街道路灯不亮已经一周了', { categoryCode: 'other', areaCode: '120102001' });
    await act('demo.dispatcher', replied.id, 'accept');
    await act('demo.dispatcher', replied.id, 'dispatch', { unitId: '120102001' });
    await act('demo.dawangzhuang.handler', replied.id, 'claim');
    await act('demo.dawangzhuang.handler', replied.id, 'reply', {
      text: '经现场查看，大王庄街道该路段路灯灯泡损坏，已联系供电部门更换灯泡，路灯已恢复照明。',
    });
    const closed = await intake('和平区劝业场街道有商户占道经营', { categoryCode: 'urban.street_vending', areaCode: '120101001' });
    await act('demo.dispatcher', closed.id, 'accept');
    await act('demo.dispatcher', closed.id, 'dispatch', { unitId: '120101' });
    await act('demo.heping.handler', closed.id, 'claim');
    await act('demo.heping.handler', closed.id, 'reply', {
      text: '经执法队员现场核实，劝业场街道确有商户占道经营，已责令其退回店内经营，并将加强巡查。',
    });
    await act('demo.operator', closed.id, 'close', { satisfaction: 'satisfied' });
    const returned = await intake('我家暖气不热，室温只有十五度', { categoryCode: 'utility.heating', areaCode: '120101' });
    await act('demo.dispatcher', returned.id, 'accept');
    await act('demo.dispatcher', returned.id, 'dispatch', { unitId: '120101' });
    await act('demo.heping.handler', returned.id, 'return', { reasonCode: 'not_our_jurisdiction', reason: '供热属供热企业职责' });
    const reopened = await intake('诚厚里社区门口下水道堵了，污水外溢', { categoryCode: 'urban.drainage', areaCode: '120102001001' });
    await act('demo.dispatcher', reopened.id, 'accept');
    await act('demo.dispatcher', reopened.id, 'dispatch', { unitId: '120102' });
    await act('demo.hedong.handler', reopened.id, 'claim');
    await act('demo.hedong.handler', reopened.id, 'reply', { text: '已派养护班组到诚厚里社区门口疏通下水道，污水已清理，管道恢复通畅。' });
    await act('demo.operator', reopened.id, 'reopen', { reason: '回访不满意：第二天又堵了' });
    const dup = await intake('诚厚里社区3号楼楼道杂物没人清理', { categoryCode: 'housing.property', areaCode: '120102001001' });
    await act('demo.dispatcher', dup.id, 'merge', { masterId: claimed.id });
    const police = await intake('楼下有人打架，还拿着刀');
    await act('demo.operator', police.id, 'transfer', { target: '110', reason: '一键转接110' });
    await act('demo.hedong.supervisor', claimed.id, 'urge', { note: '请尽快清理' });
    console.log(`\norders in every state created (the rules dispatched ${auto.number} by themselves)`);
  }
  // The sample knowledge base, marked sample (published, so the demo can search it); re-seeding changes nothing.
  const kbFile = new URL('../data/kb/sample.jsonl', import.meta.url);
  if (fs.existsSync(kbFile)) {
    const lines = parseKbFile(fs.readFileSync(kbFile, 'utf8')).map((l) => ({ ...l, sample: true }));
    const r = await app.kb.importEntries(lines, { actor: 'seed:demo' });
    console.log(`sample knowledge base: ${r.created} new entries, ${r.changed} changed, ${r.unchanged} unchanged`);
  }
} finally {
  await app.close();
  await db.close();
  await embedded?.stop();
}
