/**
 * The live feed (GET /ws, server/routes/live.ts), one client shared by every desk:
 * sign in with the token, subscribe, receive coalesced frames
 * {type:"events", events:[…]}. On a dropped connection it reconnects with growing
 * pauses and resubscribes from the highest event id seen, so nothing is missed;
 * `onReady` runs after every (re)subscription so a desk re-fetches what a gap
 * before the first event could have hidden. Subscriptions may be added while open.
 */
import { ref, type Ref } from 'vue';
import { session, toLogin } from './session.ts';

const UNAUTHENTICATED = 4401;

export type Subscription = { topic: 'unit'; unit: string } | { topic: 'order'; orderId: number } | { topic: 'queue' };
/** An event as the feed sends it (server/plugins/live.ts LiveEvent without its internal fields). */
export interface LiveEvent {
  eventId: number;
  type: string;
  action: string;
  at: string;
  order: { id: number; number: string; status: string; currentUnitId: string; urgency: string; categoryCode: string | null };
}
export type LiveState = 'connecting' | 'on' | 'off' | 'error';

export interface Live {
  state: Ref<LiveState>;
  subscribe(sub: Subscription): void;
  close(): void;
}

export function connectLive(opts: { subscriptions?: Subscription[]; onEvents(events: LiveEvent[]): void; onReady?(): void }): Live {
  const subscriptions: Subscription[] = [...(opts.subscriptions ?? [])];
  const state = ref<LiveState>('connecting');
  let socket: WebSocket | null = null;
  let lastEventId: number | null = null;
  let attempt = 0;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let ready = false;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

  const send = (sub: Subscription) =>
    socket?.send(JSON.stringify({ type: 'subscribe', ...sub, ...(lastEventId !== null ? { lastEventId } : {}) }));

  function note(id: unknown) {
    if (typeof id === 'number' && id > 0 && (lastEventId === null || id > lastEventId)) lastEventId = id;
  }

  function deliver(events: LiveEvent[]) {
    for (const e of events) note(e.eventId);
    if (events.length) opts.onEvents(events);
  }

  function open() {
    const ws = new WebSocket(url);
    socket = ws;
    ready = false;
    let pending = 0;
    ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'auth', token: session.token })));
    ws.addEventListener('message', (message) => {
      let msg: { type?: string; lastEventId?: number; events?: LiveEvent[]; eventId?: number; message?: string };
      try {
        msg = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (msg.type === 'ready') {
        ready = true;
        pending = subscriptions.length;
        if (!pending) state.value = 'on';
        for (const sub of subscriptions) send(sub);
      } else if (msg.type === 'subscribed') {
        note(msg.lastEventId);
        if (--pending <= 0) {
          attempt = 0;
          state.value = 'on';
          opts.onReady?.();
        }
      } else if (msg.type === 'events' && Array.isArray(msg.events)) {
        deliver(msg.events);
      } else if (typeof msg.eventId === 'number') {
        deliver([msg as LiveEvent]);
      } else if (msg.type === 'error') {
        state.value = 'error';
      }
    });
    ws.addEventListener('close', (event) => {
      socket = null;
      ready = false;
      if (stopped) return;
      if (event.code === UNAUTHENTICATED) {
        session.clear();
        return toLogin();
      }
      state.value = 'off';
      // 0.5 s, 1 s, 2 s … up to 15 s, with jitter so a restarted server is not hit by every desk at once.
      const pause = Math.min(15_000, 500 * 2 ** attempt++) * (0.75 + Math.random() / 2);
      retryTimer = setTimeout(open, pause);
    });
  }

  function close() {
    stopped = true;
    clearTimeout(retryTimer);
    socket?.close(1000, 'page closed');
  }

  open();
  addEventListener('pagehide', close);

  return {
    state,
    subscribe(sub) {
      subscriptions.push(sub);
      if (ready) send(sub);
    },
    close,
  };
}
