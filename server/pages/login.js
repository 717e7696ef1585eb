// Sign in: POST /api/auth/login, keep the token for this tab, go where the user was headed.
import { api, ROLE_PAGES, session } from './app.js';
import { sameOriginPath } from './next-path.js';

const form = document.getElementById('login-form');
const error = document.getElementById('login-error');

/**
 * Back to the page that sent us here when it is a page of this site, home when
 * `next` points anywhere else; without one, the desk of the user's first role.
 */
function destination(user) {
  const next = new URLSearchParams(location.search).get('next');
  if (next) return sameOriginPath(next, location.origin) ?? '/';
  const role = user.roles.find((r) => ROLE_PAGES[r]);
  return role ? ROLE_PAGES[role] : '/';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  const button = document.getElementById('login-submit');
  button.disabled = true;
  try {
    const data = await api('/api/auth/login', {
      method: 'POST',
      body: { username: form.username.value.trim(), password: form.password.value },
    });
    session.save({ token: data.token, user: data.user });
    location.assign(destination(data.user));
  } catch (err) {
    error.textContent = err.status === 401 ? '用户名或密码错误' : err.message;
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
});
