/**
 * Who made a change: versions and entries name `user:<id>` (or `system`); the desk
 * shows the person's name, fetched in one batch (GET /api/meta/user-names).
 */
import { reactive } from 'vue';
import { api } from '../shared/api.ts';

const names = reactive(new Map<number, string>());
const asked = new Set<number>();
const batch: number[] = [];

export function actorName(actor: string | null | undefined): string {
  if (!actor) return '—';
  if (actor === 'system') return '系统';
  const m = /^user:(\d+)$/.exec(actor);
  if (!m) return '（未知）';
  const id = Number(m[1]);
  const name = names.get(id);
  if (name) return name;
  if (!asked.has(id)) {
    asked.add(id);
    batch.push(id);
    if (batch.length === 1) queueMicrotask(flush);
  }
  return '…';
}

async function flush() {
  const ids = batch.splice(0, 50);
  if (batch.length) queueMicrotask(flush);
  try {
    const { users } = await api.userNames(ids);
    for (const u of users) names.set(u.id, u.name);
    for (const id of ids) if (!names.has(id)) names.set(id, '（已删除的用户）');
  } catch {
    for (const id of ids) asked.delete(id);
  }
}
