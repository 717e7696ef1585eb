// The start page: links to the four desks and who is signed in.
import { h, session, topBar } from './app.js';

topBar('首页', { live: false });
const user = session.user;
if (user) {
  document.getElementById('whoami').replaceChildren(`当前用户：${user.displayName}（${user.roles.join('、')}，单位 ${user.unitId}）`);
}
// A page for signing in exists even when everything else needs it.
if (!user) document.querySelector('main').append(h('p', {}, h('a', { href: '/login.html' }, '前往登录')));
