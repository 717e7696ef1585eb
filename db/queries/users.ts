/**
 * Accounts. The admin's changes (addUser … revokeUserSession) are each written in
 * one transaction with their security event, actor and all; createUser is the
 * unrecorded path of first start, seeds and tests.
 */
import { and, arrayContains, eq, gt } from 'drizzle-orm';
import { DomainError } from '../../server/core/errors.ts';
import type { Database, Sql } from '../client.ts';
import { securityEvents, users } from '../schema.ts';
import type { Role } from '../../server/core/access.ts';
import { hashPassword } from '../../server/passwords.ts';
import { announceUserChanged, endSessionsOf, revokeSession, type Tx } from './sessions.ts';

export type UserRow = typeof users.$inferSelect;

export async function createUser(
  db: Database,
  u: { username: string; displayName: string; unitId: string; roles: Role[]; password: string },
): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({
      username: u.username,
      displayName: u.displayName,
      unitId: u.unitId,
      roles: u.roles,
      passwordHash: await hashPassword(u.password),
    })
    .returning();
  return row!;
}

/** The account a sign-in names, if there is one: the password is checked by the caller. */
export async function userByUsername(db: Database, username: string): Promise<UserRow | undefined> {
  const [user] = await db.select().from(users).where(eq(users.username, username));
  return user;
}

/** An account as the admin API shows it: everything but the password hash. */
export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  unitId: string;
  roles: Role[];
  disabled: boolean;
  createdAt: Date;
}

const shown = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  unitId: users.unitId,
  roles: users.roles,
  disabled: users.disabled,
  createdAt: users.createdAt,
};

/** Who changed an account, and when: every change is written with its security event. */
export interface ChangedBy {
  actor: string;
  at: Date;
}

type Writer = Database | Tx;

async function record(tx: Writer, by: ChangedBy, action: string, userId: number, detail: Record<string, unknown>): Promise<void> {
  await tx.insert(securityEvents).values({ at: by.at, actor: by.actor, action, subject: `user:${userId}`, detail });
}

/** The SQLSTATE and constraint of a driver error, also when drizzle wraps it. */
function pgError(err: unknown): { code?: string; constraint?: string } {
  const e = err as { code?: string; constraint_name?: string; cause?: { code?: string; constraint_name?: string } };
  const source = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e : e?.cause;
  return { code: source?.code, constraint: source?.constraint_name };
}

/** The unit must exist and the username be free; refused naming the field otherwise. */
function refusal(err: unknown, username?: string): DomainError | null {
  const { code, constraint } = pgError(err);
  if (code === '23505' && constraint === 'users_username_key')
    return new DomainError('USERNAME_TAKEN', `用户名 ${username} 已被使用`, { field: 'username' });
  if (code === '23503' && constraint?.includes('unit')) return new DomainError('UNKNOWN_UNIT', '所属单位不存在', { field: 'unitId' });
  return null;
}

/** A new account by an admin, with its `user_created` event. */
export async function addUser(
  db: Database,
  u: { username: string; displayName: string; unitId: string; roles: Role[]; passwordHash: string },
  by: ChangedBy,
): Promise<UserRecord> {
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.insert(users).values(u).returning(shown);
      const { passwordHash: _secret, ...detail } = u;
      await record(tx, by, 'user_created', row!.id, detail);
      return row!;
    });
  } catch (err) {
    throw refusal(err, u.username) ?? err;
  }
}

export async function userById(db: Database, id: number): Promise<UserRecord | undefined> {
  const [row] = await db.select(shown).from(users).where(eq(users.id, id));
  return row;
}

export async function listUsers(
  db: Database,
  f: { unitId?: string; role?: Role; disabled?: boolean; afterId?: number; limit: number },
): Promise<UserRecord[]> {
  return db
    .select(shown)
    .from(users)
    .where(
      and(
        f.unitId === undefined ? undefined : eq(users.unitId, f.unitId),
        f.role === undefined ? undefined : arrayContains(users.roles, [f.role]),
        f.disabled === undefined ? undefined : eq(users.disabled, f.disabled),
        f.afterId === undefined ? undefined : gt(users.id, f.afterId),
      ),
    )
    .orderBy(users.id)
    .limit(f.limit);
}

export type UserChange = Partial<Pick<UserRecord, 'displayName' | 'roles' | 'unitId' | 'disabled'>>;

/**
 * Change an account; only what differs is written and recorded. Disabling ends
 * every session; a new unit or new roles are announced to live clients.
 */
export async function updateUser(db: Database, id: number, change: UserChange, by: ChangedBy): Promise<UserRecord | null> {
  try {
    return await db.transaction(async (tx) => {
      const [before] = await tx.select(shown).from(users).where(eq(users.id, id)).for('update');
      if (!before) return null;
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [field, to] of Object.entries(change) as [keyof UserChange, unknown][]) {
        const from = before[field];
        if (to !== undefined && JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
      }
      if (Object.keys(changes).length === 0) return before;
      const [after] = await tx.update(users).set(change).where(eq(users.id, id)).returning(shown);
      const detail: Record<string, unknown> = { changes };
      if (changes.disabled?.to === true) detail.sessionsEnded = await endSessionsOf(tx, id, by.at);
      else if (changes.roles || changes.unitId) await announceUserChanged(tx, id);
      await record(tx, by, 'user_updated', id, detail);
      return after!;
    });
  } catch (err) {
    throw refusal(err) ?? err;
  }
}

/** A new password set by an admin: every session of the user ends. Null when there is no such user. */
export async function resetPassword(
  db: Database,
  id: number,
  passwordHash: string,
  by: ChangedBy,
): Promise<{ sessionsEnded: number } | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(users).set({ passwordHash }).where(eq(users.id, id)).returning({ id: users.id });
    if (!row) return null;
    const sessionsEnded = await endSessionsOf(tx, id, by.at);
    await record(tx, by, 'password_reset', id, { sessionsEnded });
    return { sessionsEnded };
  });
}

/** An admin ends one session of a user, by its public id. */
export async function revokeUserSession(db: Database, userId: number, sessionId: string, by: ChangedBy): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await revokeSession(tx, userId, sessionId, by.at))) return false;
    await record(tx, by, 'session_revoked', userId, { session: sessionId });
    return true;
  });
}

/** Display names by id, for the desks' "who" columns: nothing but the name leaves. */
export async function userNames(sql: Sql, ids: number[]): Promise<{ id: number; name: string }[]> {
  return sql<
    { id: number; name: string }[]
  >`select id::int as id, display_name as name from users where id = any(${ids}::bigint[]) order by id`;
}
