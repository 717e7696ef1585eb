/**
 * GET /ws: live order events for operators, handlers and supervisors.
 *
 *   → {"type":"auth","token":"…"}                     first, within 5 seconds
 *   → {"type":"subscribe","topic":"unit","unit":"120102","lastEventId":123}
 *   → {"type":"subscribe","topic":"order","orderId":42}
 *   → {"type":"subscribe","topic":"queue"}             the dispatcher's queue
 *   ← {"type":"subscribed","topic":{…},"lastEventId":130,"complete":true}
 *   ← {"type":"events","events":[{"type":"order.created"|"order.updated"|"sla.warning"|
 *      "sla.overdue"|"sla.escalated","eventId":124,"action":"dispatch","at":"…","order":{…}}, …]}
 *
 * A client that reconnects sends the last event id it saw and first receives what
 * it missed. Every message passes the same subtree rule as the REST API. A client
 * that does not keep up is closed (4008) rather than allowed to hold the others back:
 * one that leaves a ping unanswered for `heartbeatMs`, or has more than
 * `maxBufferedBytes` unsent at all (the server's memory is not its queue).
 *
 * A socket lives no longer than the session it signed in with: logout, an admin's
 * revoke, disabling the user, a password reset (announced on `session_ends` to
 * every instance) or expiry close it with 4401, and every subscribe reads the
 * session again.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from 'typebox';
import type { WebSocket } from 'ws';
import { visibleUnit } from '../../db/queries/units.ts';
import { sessionForToken, sha256, sessionIdOf } from '../../db/queries/sessions.ts';
import { watchSessions, type Rider } from '../http/live-sessions.ts';
import { canSeeUnit, isCityWide, type Viewer } from '../core/access.ts';
import { DomainError } from '../core/errors.ts';
import { validatorCompiler } from '../http/validation.ts';
import { StringEnum } from './orders.schema.ts';
import { inQueue, type LiveEvent, type Topic } from '../plugins/live.ts';
import { observe } from '../observe.ts';

export const CLOSE = { unauthenticated: 4401, slow: 4008, badMessage: 4400 } as const;

export interface LiveOptions {
  /** Unsent bytes beyond which a client is dropped at once (default 8 MiB). */
  maxBufferedBytes?: number;
  /** Ping interval; a ping still unanswered at the next one drops the client (default 15 s). */
  heartbeatMs?: number;
  /** How long events for one client wait to share a frame (default 25 ms). */
  coalesceMs?: number;
}

/** A subscribe message, checked by the same validator as every HTTP body (NUL, sizes, types). */
const Subscribe = Type.Object(
  {
    type: Type.Literal('subscribe'),
    topic: StringEnum(['unit', 'order', 'queue'] as const),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    orderId: Type.Optional(Type.Integer({ minimum: 1 })),
    lastEventId: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
const validSubscribe = validatorCompiler({ schema: Subscribe, method: 'GET', url: '/ws', httpPart: 'body' });

const REPLAY_PAGE = 1000;
const REPLAY_MAX = 10_000;

type Deliver = (e: LiveEvent) => void;

/**
 * Who listens to what. An event goes only to the clients whose topics it can match
 * (subscribers of the units above its holder, of the order, of the queue), so a
 * thousand boards cost per event what its few dozen recipients cost.
 */
class Audience {
  private readonly byUnit = new Map<string, Set<Deliver>>();
  private readonly byOrder = new Map<number, Set<Deliver>>();
  private readonly queue = new Set<Deliver>();
  private members = 0;

  constructor(
    private readonly onFirst: () => void,
    private readonly onLast: () => void,
  ) {}

  add(topic: Topic, d: Deliver): void {
    if (this.members++ === 0) this.onFirst();
    if (topic.topic === 'queue') this.queue.add(d);
    else if (topic.topic === 'unit') setOf(this.byUnit, topic.unit).add(d);
    else setOf(this.byOrder, topic.orderId).add(d);
  }

  remove(topic: Topic, d: Deliver): void {
    if (topic.topic === 'queue') this.queue.delete(d);
    else if (topic.topic === 'unit') this.byUnit.get(topic.unit)?.delete(d);
    else this.byOrder.get(topic.orderId)?.delete(d);
    if (--this.members === 0) this.onLast();
  }

  recipients(e: LiveEvent): Set<Deliver> {
    const to = new Set<Deliver>();
    for (const unit of e.ancestors) for (const d of this.byUnit.get(unit) ?? []) to.add(d);
    // The boards the order just left hear it leave (and take it off their counts).
    for (const unit of e.formerAncestors ?? []) for (const d of this.byUnit.get(unit) ?? []) to.add(d);
    // 协办: the assisting units' desks follow the order, wherever the lead unit sits.
    for (const unit of e.assistAncestors) for (const d of this.byUnit.get(unit) ?? []) to.add(d);
    for (const d of this.byOrder.get(e.order.id) ?? []) to.add(d);
    if (inQueue(e.order)) for (const d of this.queue) to.add(d);
    return to;
  }
}

function setOf<K>(map: Map<K, Set<Deliver>>, key: K): Set<Deliver> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

const liveRoutes: FastifyPluginAsync<LiveOptions> = async (app, opts) => {
  const maxBuffered = opts.maxBufferedBytes ?? 8 * 1024 * 1024;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const coalesceMs = opts.coalesceMs ?? 25;
  // One timer for all clients rather than one per client per window.
  let due: (() => void)[] = [];
  const later = (flush: () => void) => {
    if (due.push(flush) === 1) {
      setTimeout(() => {
        const now = due;
        due = [];
        for (const f of now) f();
      }, coalesceMs);
    }
  };

  // The feed is looked up only while someone is subscribed.
  let unsubscribe: (() => void) | null = null;
  const audience = new Audience(
    () => (unsubscribe = app.live.subscribe((e) => audience.recipients(e).forEach((d) => d(e)))),
    () => unsubscribe?.(),
  );
  app.addHook('onClose', async () => unsubscribe?.());
  // Sockets by the session they ride on, closed when it ends on any instance.
  const riders = await watchSessions(app);
  app.addHook('onClose', () => riders.stop());

  app.get('/ws', { websocket: true, schema: { summary: '实时工单事件（WebSocket）', tags: ['live'] } }, (socket: WebSocket) => {
    let viewer: Viewer | null = null;
    let token = '';
    let rider: Rider | null = null;
    const topics: Topic[] = [];
    let replaying = false;
    const held: LiveEvent[] = [];
    let lastSent = 0;
    const leave = () => topics.splice(0).forEach((t) => audience.remove(t, deliver));
    const dropSlow = () => {
      observe.liveDropped.publish({ sql: app.sql });
      leave();
      socket.close(CLOSE.slow, 'slow consumer');
    };
    const endSession = (reason: string) => {
      leave();
      socket.close(CLOSE.unauthenticated, reason);
    };
    /** The session read again: the viewer as the user stands now, or the socket closed. */
    async function refresh(): Promise<boolean> {
      const session = await sessionForToken(app.db, token, app.clock.now());
      if (!session) {
        endSession('session ended');
        return false;
      }
      viewer = session.viewer;
      if (rider) rider.expiresAt = session.expiresAt;
      return true;
    }
    // A ping waits behind everything unsent; a client that has not answered the last
    // one by the next is not reading (or is gone).
    let answered = true;
    socket.on('pong', () => (answered = true));
    const heartbeat = setInterval(() => {
      if (!answered) return dropSlow();
      answered = false;
      socket.ping();
    }, heartbeatMs);
    const authTimer = setTimeout(() => viewer || socket.close(CLOSE.unauthenticated, 'auth required'), 5000);

    // The audience and the replay pick events by topic; this is the permission rule.
    const sees = (e: LiveEvent) =>
      viewer !== null &&
      (canSeeUnit(viewer, e.ancestors) ||
        (e.formerAncestors !== null && canSeeUnit(viewer, e.formerAncestors)) ||
        e.assistAncestors.includes(viewer.unitId));

    // Events for this client wait up to coalesceMs and leave as one frame: a frame
    // per event cannot keep up with a busy evening on two cores.
    let outbox: string[] = [];
    const flush = () => {
      if (outbox.length === 0 || socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > maxBuffered) return dropSlow();
      socket.send(`{"type":"events","events":[${outbox.join(',')}]}`);
      outbox = [];
    };
    const queue = (e: LiveEvent) => {
      if (!sees(e)) return;
      lastSent = Math.max(lastSent, e.eventId);
      if (outbox.push(e.wire) === 1) later(flush);
    };
    const deliver = (e: LiveEvent) => (replaying ? held.push(e) : queue(e));
    const fail = (message: string) => socket.send(JSON.stringify({ type: 'error', message }));

    // Messages are handled one at a time, in the order they came: a subscribe sent
    // right behind the auth must not overtake it.
    let inbox = Promise.resolve();
    const inboxed = (work: () => Promise<unknown>) => {
      inbox = inbox.then(work).then(
        () => undefined,
        (err) => {
          app.log.warn({ err }, 'live message failed');
          socket.close(1011, 'internal error');
        },
      );
    };
    socket.on('message', (raw) => inboxed(() => handle(raw)));

    async function handle(raw: unknown) {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(String(raw));
      } catch {
        return socket.close(CLOSE.badMessage, 'messages are JSON');
      }
      if (!viewer) {
        token = typeof msg.token === 'string' ? msg.token : '';
        const session = msg.type === 'auth' ? await sessionForToken(app.db, token, app.clock.now()) : null;
        if (!session) return socket.close(CLOSE.unauthenticated, 'bad token');
        if (socket.readyState !== socket.OPEN) return;
        viewer = session.viewer;
        clearTimeout(authTimer);
        const tokenHash = sha256(token);
        rider = {
          userId: viewer.userId,
          tokenHash,
          sessionId: sessionIdOf(tokenHash),
          expiresAt: session.expiresAt,
          end: endSession,
          recheck: () => void inboxed(refresh),
        };
        riders.add(rider);
        return socket.send(JSON.stringify({ type: 'ready', user: viewer.username }));
      }
      if (msg.type !== 'subscribe') return fail('unknown message type');
      if (!validSubscribe(msg)) {
        const [error] = validSubscribe.errors ?? [];
        return fail(`subscribe${error?.instancePath.replaceAll('/', '.') ?? ''}: ${error?.message ?? 'invalid'}`);
      }
      // The session may have ended without a notice reaching us (or the user changed).
      if (!(await refresh())) return;
      const topic = await topicOf(msg as Static<typeof Subscribe>, viewer!);
      if (typeof topic === 'string') return fail(topic);
      if (socket.readyState !== socket.OPEN) return;
      topics.push(topic);
      audience.add(topic, deliver);
      const after = msg.lastEventId;
      const complete = typeof after === 'number' ? await catchUp(after, topic) : true;
      flush();
      socket.send(JSON.stringify({ type: 'subscribed', topic, lastEventId: lastSent, complete }));
    }

    /**
     * Replays the audit trail after `after`, holding live events until it is out.
     * Beyond REPLAY_MAX events the client is told to reload instead (complete: false).
     */
    async function catchUp(after: number, topic: Topic): Promise<boolean> {
      replaying = true;
      const replayed = new Set<number>();
      try {
        for (let from = after; replayed.size < REPLAY_MAX;) {
          const page = await app.live.replay(from, topic, REPLAY_PAGE);
          for (const e of page) {
            replayed.add(e.eventId);
            queue(e);
          }
          if (page.length < REPLAY_PAGE) return true;
          from = page.at(-1)!.eventId;
          flush();
        }
        return false;
      } finally {
        replaying = false;
        for (const e of held.splice(0)) if (!replayed.has(e.eventId)) queue(e);
      }
    }

    socket.on('close', () => {
      if (rider) riders.remove(rider);
      clearTimeout(authTimer);
      clearInterval(heartbeat);
      outbox = [];
      leave();
    });
  });

  /** A subscription the viewer may hold, or the reason it may not. */
  async function topicOf(msg: Static<typeof Subscribe>, viewer: Viewer): Promise<Topic | string> {
    if (msg.topic === 'queue') return isCityWide(viewer) ? { topic: 'queue' } : '派单队列仅限热线中心';
    if (msg.topic === 'order' && msg.orderId !== undefined) return { topic: 'order', orderId: msg.orderId };
    if (msg.topic === 'unit' && msg.unit !== undefined) {
      try {
        await visibleUnit(app.sql, viewer, msg.unit);
      } catch (err) {
        if (err instanceof DomainError) return err.message;
        throw err;
      }
      return { topic: 'unit', unit: msg.unit };
    }
    return 'subscribe needs topic unit (with unit), order (with orderId) or queue';
  }
};

export default liveRoutes;
