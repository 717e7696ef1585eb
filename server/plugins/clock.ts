import fp from 'fastify-plugin';

/** Where "now" comes from. Tests pass a clock they move; nothing reads Date.now() directly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

declare module 'fastify' {
  interface FastifyInstance {
    clock: Clock;
  }
}

export default fp<{ clock?: Clock }>(
  async function clock(app, opts) {
    app.decorate('clock', opts.clock ?? systemClock);
  },
  { name: 'clock' },
);
