import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql as q } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { sessions, users } from '../schema.ts';
import type { Role, Viewer } from '../../server/core/access.ts';
import { hashPassword } from '../../server/passwords.ts';

export type UserRow = typeof users.$inferSelect;

export async function createUser(
  db: Database,
  u: { username: string; displayName: string; unitId: string; roles: Role[]; password: string },
): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({ username: u.username, displayName: u.displayName, unitId: u.unitId, roles: u.roles, passwordHash: await hashPassword(u.password) })
    .returning();
  return row!;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** The account a sign-in names, if there is one: the password is checked by the caller. */
export async function userByUsername(db: Database, username: string): Promise<UserRow | undefined> {
  const [user] = await db.select().from(users).where(eq(users.username, username));
  return user;
}

/** Open a session for a user whose password was checked; the token itself is never stored. */
export async function openSession(db: Database, userId: number, opts: { at: Date; ttlMs: number }): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(opts.at.getTime() + opts.ttlMs);
  await db.insert(sessions).values({ tokenHash: sha256(token), userId, createdAt: opts.at, expiresAt });
  return { token, expiresAt };
}

/**
 * Every authenticated request runs this, so it is a named prepared statement:
 * drizzle sends unnamed queries unprepared, and planning them cost more than running them.
 */
const preparedViewers = new WeakMap<Database, ReturnType<typeof prepareViewer>>();
function prepareViewer(db: Database) {
  return db
    .select({ userId: users.id, username: users.username, unitId: users.unitId, roles: users.roles })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, q.placeholder('hash')),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, q.placeholder('at')),
        eq(users.disabled, false),
      ),
    )
    .prepare('viewer_for_token');
}

export async function viewerForToken(db: Database, token: string, at: Date): Promise<Viewer | null> {
  let prepared = preparedViewers.get(db);
  if (!prepared) preparedViewers.set(db, (prepared = prepareViewer(db)));
  const [row] = await prepared.execute({ hash: sha256(token), at: at.toISOString() });
  return row ?? null;
}

export async function revokeToken(db: Database, token: string, at: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: at }).where(and(eq(sessions.tokenHash, sha256(token)), isNull(sessions.revokedAt)));
}
