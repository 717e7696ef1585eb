import fp from 'fastify-plugin';
import { type WorkCalendar } from '../core/calendar.ts';
import { loadChineseDays } from '../rules/calendar.ts';
import type { DeadlinePolicy } from '../rules/deadlines-schema.ts';

export interface Deadlines {
  policy: DeadlinePolicy;
  calendar: WorkCalendar;
}

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
