/**
 * The desks and who works at each: the one table the top bar's nav is drawn from,
 * so each person sees only the desks their roles use (an admin sees every desk).
 * The API still decides what each may do; this only keeps the nav to one's work.
 */
import type { Role } from '../../core/access.ts';

export interface Desk {
  href: string;
  label: string;
  roles: readonly Role[];
}

export const DESK_NAV: readonly Desk[] = [
  { href: '/console.html', label: '话务台', roles: ['operator'] },
  { href: '/callback.html', label: '回访台', roles: ['operator', 'dispatcher'] },
  { href: '/queue.html', label: '派单队列', roles: ['dispatcher'] },
  { href: '/inbox.html', label: '承办工作台', roles: ['handler'] },
  { href: '/objections.html', label: '派单异议审核', roles: ['reviewer'] },
  { href: '/board.html', label: '督办看板', roles: ['supervisor', 'dispatcher'] },
  { href: '/knowledge.html', label: '知识库管理', roles: ['kb_editor', 'kb_admin'] },
  { href: '/reports.html', label: '报表', roles: ['handler', 'supervisor', 'dispatcher', 'kb_editor', 'kb_admin'] },
  { href: '/wall.html', label: '大屏', roles: ['supervisor', 'dispatcher'] },
  { href: '/qa.html', label: '质检台', roles: ['qa'] },
  { href: '/admin.html', label: '系统管理', roles: [] },
];

/** The desks a person with these roles uses, in nav order. */
export const desksFor = (roles: readonly Role[]): Desk[] =>
  DESK_NAV.filter((d) => roles.includes('admin') || d.roles.some((r) => roles.includes(r)));
