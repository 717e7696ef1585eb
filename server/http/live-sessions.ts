/**
 * Which live sockets ride on which session, so that a session's end closes them:
 * ends announced by any instance (`session_ends`), expiry by the app's clock, and
 * after a lost LISTEN connection (whose notices are gone) a look at the table.
 */
import type { FastifyInstance } from 'fastify';
import { listenSessionEnds, stillOpen } from '../../db/queries/sessions.ts';

/** How often open sockets are held against their sessions' expiry (the app's clock may be a test's). */
const EXPIRY_CHECK_MS = 500;

/** A signed-in socket, as the session bookkeeping sees it. */
export interface Rider {
  userId: number;
  tokenHash: string;
  sessionId: string;
  expiresAt: Date;
  /** Close the socket: its session is over. */
  end(reason: string): void;
  /** Read the session again (the user's roles or unit changed); ends the socket if it is gone. */
  recheck(): void;
}

export async function watchSessions(app: FastifyInstance): Promise<{ add(r: Rider): void; remove(r: Rider): void; stop(): Promise<void> }> {
  const riders = new Set<Rider>();
  const stopListening = await listenSessionEnds(
    app.sql,
    (end) => {
      for (const r of riders) {
        if (r.userId !== end.userId) continue;
        if (end.all || end.sessions?.includes(r.sessionId)) r.end('session ended');
        else if (end.changed) r.recheck();
      }
    },
    () => void recheckAll(),
  );
  async function recheckAll() {
    const checked = [...riders];
    try {
      const open = await stillOpen(
        app.sql,
        checked.map((r) => r.tokenHash),
        app.clock.now(),
      );
      for (const r of checked) if (!open.has(r.tokenHash)) r.end('session ended');
    } catch (err) {
      app.log.warn({ err }, 'live session recheck failed');
    }
  }
  const expiry = setInterval(() => {
    const now = app.clock.now();
    for (const r of riders) if (r.expiresAt <= now) r.end('session expired');
  }, EXPIRY_CHECK_MS);
  expiry.unref();
  return {
    add: (r) => riders.add(r),
    remove: (r) => riders.delete(r),
    async stop() {
      clearInterval(expiry);
      await stopListening();
    },
  };
}
