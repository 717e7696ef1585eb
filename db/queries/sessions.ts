/**
 * Sign-in sessions: bearer tokens stored only as their SHA-256, revocable, and
 * they expire. A session's public id is the first 16 hex digits of that hash: it
 * names the session to an admin without being the hash, let alone the token.
 * Every end of a session is announced on `session_ends` when its transaction
 * commits, so each instance can close the live sockets that rode on it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql as q } from 'drizzle-orm';
import type { Database, Sql } from '../client.ts';
import { sessions, users } from '../schema.ts';
import type { Viewer } from '../../server/core/access.ts';

/** A transaction of `Database`, for functions that take part in a caller's. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export const SESSION_ENDS = 'session_ends';

/**
 * What a `session_ends` notice says: these sessions of the user ended, or all of
 * them did, or (changed) the user's roles or unit did and live clients should
 * read them again.
 */
export interface SessionEnd {
  userId: number;
  sessions?: string[];
  all?: boolean;
  changed?: boolean;
}

export const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
export const sessionIdOf = (tokenHash: string) => tokenHash.slice(0, 16);

/** Open a session for a user whose password was checked; the token itself is never stored. */
export async function openSession(
  db: Database,
  userId: number,
  opts: { at: Date; ttlMs: number },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(opts.at.getTime() + opts.ttlMs);
  await db.insert(sessions).values({ tokenHash: sha256(token), userId, createdAt: opts.at, expiresAt });
  return { token, expiresAt };
}

/**
 * Every authenticated request runs this, so it is a named prepared statement:
 * drizzle sends unnamed queries unprepared, and planning them cost more than running them.
 */
const prepared = new WeakMap<Database, ReturnType<typeof prepareSession>>();
function prepareSession(db: Database) {
  return db
    .select({
      userId: users.id,
      username: users.username,
      unitId: users.unitId,
      roles: users.roles,
      tokenHash: sessions.tokenHash,
      expiresAt: sessions.expiresAt,
    })
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
    .prepare('session_for_token');
}

export interface LiveSession {
  viewer: Viewer;
  tokenHash: string;
  sessionId: string;
  expiresAt: Date;
}

/** The session of a token, if it is open and its user enabled. */
export async function sessionForToken(db: Database, token: string, at: Date): Promise<LiveSession | null> {
  let statement = prepared.get(db);
  if (!statement) prepared.set(db, (statement = prepareSession(db)));
  const [row] = await statement.execute({ hash: sha256(token), at: at.toISOString() });
  if (!row) return null;
  const { tokenHash, expiresAt, ...viewer } = row;
  return { viewer, tokenHash, sessionId: sessionIdOf(tokenHash), expiresAt };
}

export async function viewerForToken(db: Database, token: string, at: Date): Promise<Viewer | null> {
  return (await sessionForToken(db, token, at))?.viewer ?? null;
}

/** Logout: the token's session ends, announced in the same statement (at commit). */
export async function revokeToken(db: Database, token: string, at: Date): Promise<boolean> {
  const rows = await db.execute(q`
    with ended as (
      update sessions set revoked_at = ${at.toISOString()} where token_hash = ${sha256(token)} and revoked_at is null
      returning user_id, token_hash)
    select pg_notify(${SESSION_ENDS}, json_build_object('userId', user_id, 'sessions', json_build_array(left(token_hash, 16)))::text) from ended`);
  return rows.length > 0;
}

/** An admin ends one open session of a user, named by its public id. */
export async function revokeSession(db: Database | Tx, userId: number, sessionId: string, at: Date): Promise<boolean> {
  const rows = await db.execute(q`
    with ended as (
      update sessions set revoked_at = ${at.toISOString()}
      where user_id = ${userId} and left(token_hash, 16) = ${sessionId} and revoked_at is null and expires_at > ${at.toISOString()}
      returning user_id, token_hash)
    select pg_notify(${SESSION_ENDS}, json_build_object('userId', user_id, 'sessions', json_build_array(left(token_hash, 16)))::text) from ended`);
  return rows.length > 0;
}

/** Every open session of a user ends (disabled, password reset); answers how many were open. */
export async function endSessionsOf(tx: Tx, userId: number, at: Date): Promise<number> {
  const [row] = await tx.execute<{ n: number }>(q`
    with ended as (
      update sessions set revoked_at = ${at.toISOString()}
      where user_id = ${userId} and revoked_at is null and expires_at > ${at.toISOString()}
      returning 1)
    select count(*)::int as n from ended`);
  await announce(tx, { userId, all: true });
  return row!.n;
}

/** The user's roles or unit changed: live clients read them again. */
export const announceUserChanged = (tx: Tx, userId: number) => announce(tx, { userId, changed: true });

async function announce(tx: Tx, end: SessionEnd): Promise<void> {
  await tx.execute(q`select pg_notify(${SESSION_ENDS}, ${JSON.stringify(end)})`);
}

/** A user's open sessions, newest first, by public id. */
export async function openSessionsOf(db: Database, userId: number, at: Date): Promise<{ id: string; createdAt: Date; expiresAt: Date }[]> {
  const rows = await db
    .select({ tokenHash: sessions.tokenHash, createdAt: sessions.createdAt, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, at)))
    .orderBy(q`${sessions.createdAt} desc`)
    .limit(500);
  return rows.map((r) => ({ id: sessionIdOf(r.tokenHash), createdAt: r.createdAt, expiresAt: r.expiresAt }));
}

/** Which of these token hashes still name an open session of an enabled user. */
export async function stillOpen(sql: Sql, tokenHashes: string[], at: Date): Promise<Set<string>> {
  if (tokenHashes.length === 0) return new Set();
  const rows = await sql<{ token_hash: string }[]>`
    select s.token_hash from sessions s join users u on u.id = s.user_id
    where s.token_hash = any(${tokenHashes}::text[]) and s.revoked_at is null and s.expires_at > ${at.toISOString()} and not u.disabled`;
  return new Set(rows.map((r) => r.token_hash));
}

/**
 * Calls `onEnd` for every notice, and `onRelisten` each time the LISTEN connection
 * is back after a loss (notices sent meanwhile are lost: check what is open).
 */
export async function listenSessionEnds(sql: Sql, onEnd: (end: SessionEnd) => void, onRelisten: () => void): Promise<() => Promise<void>> {
  let listening = false;
  const { unlisten } = await sql.listen(
    SESSION_ENDS,
    (payload) => onEnd(JSON.parse(payload) as SessionEnd),
    () => (listening ? onRelisten() : (listening = true)),
  );
  return unlisten;
}
