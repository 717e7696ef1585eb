/**
 * The signed-in session, shared with the hand-written pages (server/pages/app.js):
 * the same sessionStorage keys, so signing in on /login.html signs in every desk,
 * and it ends with the browser tab, as a shift does.
 */
import type { Role } from '../../core/access.ts';

const TOKEN_KEY = 'hotline.token';
const USER_KEY = 'hotline.user';

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  unitId: string;
  unitName?: string;
  roles: Role[];
}

export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  get user(): SessionUser | null {
    const raw = sessionStorage.getItem(USER_KEY);
    return raw ? (JSON.parse(raw) as SessionUser) : null;
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

export function toLogin(): void {
  const next = location.pathname + location.search;
  location.replace(`/login.html?next=${encodeURIComponent(next)}`);
}

/** The signed-in user, or off to the login page (and null: the desk does not mount). */
export function requireLogin(): SessionUser | null {
  const user = session.user;
  if (session.token && user) return user;
  toLogin();
  return null;
}
