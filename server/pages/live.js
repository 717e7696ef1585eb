// The live feed (GET /ws, see server/routes/live.ts): sign in with the token,
// subscribe, receive coalesced frames {type:"events", events:[…]}. On a dropped
// connection it reconnects with growing pauses and resubscribes from the highest
// event id seen, so nothing is missed; pages also re-fetch after every
// (re)subscription, which covers a gap that began before any event was seen.
import { session, showLive, toLogin } from './app.js';

const UNAUTHENTICATED = 4401;

/**
 * connectLive({ subscriptions: [{ topic: 'unit', unit }], onEvents(events), onReady() })
 * Returns { close(), get lastEventId() }.
 */
export function connectLive({ subscriptions, onEvents, onReady }) {
  let socket = null;
  let lastEventId = null;
  let attempt = 0;
  let stopped = false;
  let retryTimer = null;

  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

  function open() {
    socket = new WebSocket(url);
    let pending = 0;
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'auth', token: session.token })));
    socket.addEventListener('message', (message) => {
      let msg;
      try {
        msg = JSON.parse(message.data);
      } catch {
        return;
      }
      if (msg.type === 'ready') {
        pending = subscriptions.length;
        for (const sub of subscriptions) {
          socket.send(JSON.stringify({ type: 'subscribe', ...sub, ...(lastEventId !== null ? { lastEventId } : {}) }));
        }
      } else if (msg.type === 'subscribed') {
        note(msg.lastEventId);
        if (--pending === 0) {
          attempt = 0;
          showLive('on');
          onReady?.({ complete: msg.complete !== false });
        }
      } else if (msg.type === 'events' && Array.isArray(msg.events)) {
        deliver(msg.events);
      } else if (typeof msg.eventId === 'number') {
        // One event per frame, as the feed sent before it coalesced.
        deliver([msg]);
      } else if (msg.type === 'error') {
        showLive('error', `订阅失败：${msg.message}`);
      }
    });
    socket.addEventListener('close', (event) => {
      socket = null;
      if (stopped) return;
      if (event.code === UNAUTHENTICATED) {
        session.clear();
        return toLogin();
      }
      showLive('off');
      // 0.5 s, 1 s, 2 s … up to 15 s, with jitter so a restarted server is not hit by every desk at once.
      const pause = Math.min(15_000, 500 * 2 ** attempt++) * (0.75 + Math.random() / 2);
      retryTimer = setTimeout(open, pause);
    });
  }

  function note(id) {
    if (typeof id === 'number' && id > 0 && (lastEventId === null || id > lastEventId)) lastEventId = id;
  }

  function deliver(events) {
    for (const e of events) note(e.eventId);
    if (events.length) onEvents(events);
  }

  open();
  addEventListener('pagehide', () => close());

  function close() {
    stopped = true;
    clearTimeout(retryTimer);
    socket?.close(1000, 'page closed');
  }

  return {
    close,
    get lastEventId() {
      return lastEventId;
    },
  };
}
