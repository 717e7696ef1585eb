/** A live-feed client for tests: keeps every message, and tells how the socket closed. */
import type { FastifyInstance } from 'fastify';
import { WebSocket } from 'ws';

export interface Socket {
  ws: WebSocket;
  messages: Record<string, any>[];
  /** The close code, once the socket closes. */
  closed: Promise<number>;
  next(pred: (m: Record<string, any>) => boolean, what: string, waitMs?: number): Promise<Record<string, any>>;
  subscribe(sub: object): Promise<Record<string, any>>;
}

/** The app listening on a real port, so sockets speak real TCP. */
async function urlOf(app: FastifyInstance): Promise<string> {
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening on TCP');
  return `ws://127.0.0.1:${address.port}/ws`;
}

/**
 * A socket signed in with `token` (and answered "ready"), or not signed in at all when
 * `token` is null; terminated when the test ends, or with the app when `t` is null.
 */
export async function liveSocket(
  t: { teardown(fn: () => unknown): void } | null,
  app: FastifyInstance,
  token: string | null,
): Promise<Socket> {
  const ws = new WebSocket(await urlOf(app));
  t?.teardown(() => ws.terminate());
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const messages: Record<string, any>[] = [];
  const waiters: { pred: (m: Record<string, any>) => boolean; resolve: (m: Record<string, any>) => void }[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    for (const m of frame.type === 'events' ? frame.events : [frame]) {
      messages.push(m);
      for (const w of [...waiters]) if (w.pred(m)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(m));
    }
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  // The timer only turns a hang into a readable failure; nothing is timed.
  const next = (pred: (m: Record<string, any>) => boolean, what: string, waitMs = 10_000) => {
    const seen = messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message: ${what}; the last ${JSON.stringify(messages.slice(-3))}`)), waitMs);
      waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  };
  const subscribe = (sub: object) => {
    const before = messages.length;
    ws.send(JSON.stringify({ type: 'subscribe', ...sub }));
    return next((m) => messages.indexOf(m) >= before && (m.type === 'subscribed' || m.type === 'error'), 'subscribed');
  };
  if (token === null) return { ws, messages, closed, next, subscribe };
  ws.send(JSON.stringify({ type: 'auth', token }));
  await Promise.race([
    next((m) => m.type === 'ready', 'ready'),
    closed.then((code) => Promise.reject(new Error(`closed ${code} before ready`))),
  ]);
  return { ws, messages, closed, next, subscribe };
}

/** The close code, or a failure naming `what` if the socket is still open after a generous wait. */
export function closeOf(s: Socket, what: string, waitMs = 10_000): Promise<number> {
  return Promise.race([
    s.closed,
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`still open: ${what}`)), waitMs).unref()),
  ]);
}
