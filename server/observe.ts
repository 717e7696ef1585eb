/**
 * What the service tells whoever listens about its own work, through Node's
 * diagnostics_channel: the sweeps, the classifier and the knowledge search as traced
 * calls (start and end, so a listener can time them), new orders and dropped live
 * clients as messages. The producers only publish (nearly free while nobody
 * subscribes) and know nothing of Prometheus; server/plugins/metrics.ts listens.
 *
 * Channels are process-wide, so every message carries the pool (`sql`) of the app
 * it belongs to: a listener counts its own app's work only, however many apps a
 * process holds (the tests build several).
 */
import { channel, tracingChannel } from 'node:diagnostics_channel';

export interface Traced {
  sql: unknown;
}

export const observe = {
  /** One deadline sweep (server/jobs/sweeper.ts). */
  sweep: tracingChannel<unknown, Traced>('hotline:sweep'),
  /** One classification of an order's text at intake. */
  classify: tracingChannel<unknown, Traced>('hotline:classify'),
  /** One knowledge search. */
  kbSearch: tracingChannel<unknown, Traced>('hotline:kb-search'),
  /** An order created (not a repeat that found its order): `{ sql, channel }`. */
  orderCreated: channel('hotline:order-created'),
  /** A live client dropped for not keeping up (4008): `{ sql }`. */
  liveDropped: channel('hotline:live-dropped'),
};
