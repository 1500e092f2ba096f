import { prometheus } from '@hono/prometheus';
import { count } from 'drizzle-orm';
import { Gauge, Registry } from 'prom-client';
import type { AppDeps } from '../app/context.js';
import { outbox } from '../db/schema.js';
import type { Dispatcher } from '../outbox/dispatcher.js';

/**
 * Prometheus metrics for `/metrics`: request counts and latencies per route (@hono/prometheus),
 * process metrics, and the two things an operator pages on — outbox rows per destination and
 * status (a growing `dead` or `pending`), and open circuit breakers.
 */
export function gatewayMetrics(deps: AppDeps, dispatcher?: Dispatcher) {
  const registry = new Registry();
  const { printMetrics, registerMetrics } = prometheus({ registry, collectDefaultMetrics: true, prefix: 'gateway_' });

  new Gauge({
    name: 'gateway_outbox_rows',
    help: 'Outbox rows by destination and status',
    labelNames: ['destination', 'status'],
    registers: [registry],
    async collect() {
      const rows = await deps.database.db.select({ destination: outbox.destination, status: outbox.status, n: count() }).from(outbox).groupBy(outbox.destination, outbox.status);
      this.reset();
      for (const r of rows) this.set({ destination: r.destination, status: r.status }, Number(r.n));
    },
  });

  new Gauge({
    name: 'gateway_circuit_open',
    help: '1 while the dispatcher’s circuit breaker for a destination is open',
    labelNames: ['destination'],
    registers: [registry],
    collect() {
      this.reset();
      for (const b of dispatcher?.breakers.snapshot() ?? []) this.set({ destination: b.destination }, b.state === 'open' ? 1 : 0);
    },
  });

  return { registerMetrics, printMetrics };
}
