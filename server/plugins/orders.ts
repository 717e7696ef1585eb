/** The order service on the app (app.orders): the one way routes change an order. */
import fp from 'fastify-plugin';
import { createOrderService, type OrderService } from '../orders/service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    orders: OrderService;
  }
}

export default fp(
  async function orders(app) {
    app.decorate(
      'orders',
      createOrderService({
        db: app.db,
        sql: app.sql,
        // Read at each use: the classifier is swapped whole when what it learned changes.
        get classifier() {
          return app.classifier;
        },
        deadlines: app.deadlines,
        clock: app.clock,
        knowledge: app.kb,
      }),
    );
  },
  { name: 'orders', dependencies: ['db', 'classifier', 'deadlines', 'clock', 'kb'] },
);
