import { eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { users } from '../schema.ts';
import type { Role } from '../../server/core/access.ts';
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

/** The account a sign-in names, if there is one: the password is checked by the caller. */
export async function userByUsername(db: Database, username: string): Promise<UserRow | undefined> {
  const [user] = await db.select().from(users).where(eq(users.username, username));
  return user;
}
