import fp from 'fastify-plugin';
import { loadChineseDays } from '../rules/calendar.ts';
import type { Deadlines } from '../core/deadlines.ts';

export type { Deadlines };

declare module 'fastify' {
  interface FastifyInstance {
    deadlines: Deadlines;
  }
}

/** 时限: the policy from rules/deadlines.yaml and the working-day calendar from chinese-days. */
export default fp(
  async function deadlines(app) {
    app.decorate('deadlines', { policy: app.classifier.rules.deadlines, calendar: loadChineseDays() });
  },
  { name: 'deadlines', dependencies: ['classifier'] },
);
