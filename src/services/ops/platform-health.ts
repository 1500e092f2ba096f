import { sql } from 'drizzle-orm';
import type { AppDeps, BreakerSnapshot } from '../../app/context.js';
import { DEFAULT_BREAKER, type BreakerSettings } from '../../outbox/breakers.js';
import { DESTINATIONS } from '../../outbox/handlers.js';
import { resultRows } from '../../db/result-rows.js';

export type CircuitState = 'closed' | 'open' | 'half_open';

/**
 * Without an in-process dispatcher (it may run as `npm run worker`), the circuit is estimated
 * from the outbox the way the breaker would judge it: enough failures within the cool-down and no
 * success since the last of them means the breaker would be open.
 */
export function derivedCircuit(
  s: { failuresInCooldown: number; lastFailureAt: Date | null; lastSuccessAt: Date | null },
  settings: BreakerSettings = DEFAULT_BREAKER,
): CircuitState {
  const recovered = s.lastSuccessAt && s.lastFailureAt && s.lastSuccessAt > s.lastFailureAt;
  return s.failuresInCooldown >= settings.volumeThreshold && !recovered ? 'open' : 'closed';
}

export interface Stats {
  destination: string;
  pending: number;
  dead: number;
  last_success_at: string | null;
  successes_1h: number;
  failures_1h: number;
  failures_cooldown: number;
  last_failure_at: string | null;
  last_failure_error: string | null;
}

/**
 * Per destination: queue depth, last success, last hour's failures. Providers' webhook endpoints
 * (`webhook.deliver` rows) are counted apart from the platforms and prakerja.go.id: they have a
 * view of their own, GET /v1/ops/webhook-endpoints.
 */
export async function destinationStats(deps: Pick<AppDeps, 'database' | 'now'>, scope: 'partners' | 'webhooks'): Promise<Stats[]> {
  const now = deps.now();
  const kind = scope === 'webhooks' ? sql`kind = 'webhook.deliver'` : sql`kind <> 'webhook.deliver'`;
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const cooldownAgo = new Date(now.getTime() - DEFAULT_BREAKER.cooldownMs).toISOString();
  // Failures live in each row's errors history; only rows that can hold a recent one are unpacked:
  // undelivered rows, and rows delivered within the hour.
  const rows = resultRows<Stats>(
    await deps.database.db.execute(sql`
      with counts as (
        select destination,
          count(*) filter (where status = 'pending')::int as pending,
          count(*) filter (where status = 'dead')::int as dead,
          max(delivered_at) as last_success_at,
          count(*) filter (where delivered_at >= ${hourAgo}::timestamptz)::int as successes_1h
        from outbox where ${kind} group by destination
      ),
      failures as (
        select o.destination, (e ->> 'at')::timestamptz as at, e ->> 'error' as error
        from outbox o cross join lateral jsonb_array_elements(o.errors) e
        where o.${kind} and (o.status <> 'delivered' or o.delivered_at >= ${hourAgo}::timestamptz) and jsonb_array_length(o.errors) > 0
          and (e ->> 'at')::timestamptz >= ${hourAgo}::timestamptz
      ),
      f as (
        select destination, count(*)::int as failures_1h, count(*) filter (where at >= ${cooldownAgo}::timestamptz)::int as failures_cooldown,
          max(at) as last_failure_at, (array_agg(error order by at desc))[1] as last_failure_error
        from failures group by destination
      )
      select coalesce(c.destination, f.destination) as destination, coalesce(c.pending, 0) as pending, coalesce(c.dead, 0) as dead, c.last_success_at,
        coalesce(c.successes_1h, 0) as successes_1h, coalesce(f.failures_1h, 0) as failures_1h, coalesce(f.failures_cooldown, 0) as failures_cooldown,
        f.last_failure_at, f.last_failure_error
      from counts c full join f on f.destination = c.destination`),
  );
  return rows;
}

/** The circuit of a destination: the in-process dispatcher's breaker when there is one, else estimated from the outbox. */
export function circuitOf(destination: string, r: Stats | undefined, breakers: Map<string, BreakerSnapshot> | undefined) {
  const date = (v: string | Date | null) => (v ? new Date(v) : null);
  const live = breakers?.get(destination);
  return live
    ? { state: live.state as CircuitState, source: 'dispatcher' as const }
    : breakers
      ? // The in-process dispatcher has not called this destination since it started.
        { state: 'closed' as const, source: 'dispatcher' as const }
      : { state: derivedCircuit({ failuresInCooldown: Number(r?.failures_cooldown ?? 0), lastFailureAt: date(r?.last_failure_at ?? null), lastSuccessAt: date(r?.last_success_at ?? null) }), source: 'derived' as const };
}

/** GET /v1/ops/platforms: per destination, its circuit, last hour's error rate, last success, queue depth. */
export async function platformHealth(deps: Pick<AppDeps, 'database' | 'now'> & { breakers?: () => BreakerSnapshot[] }) {
  const now = deps.now();
  const rows = await destinationStats(deps, 'partners');
  const byDestination = new Map(rows.map((r) => [r.destination, r]));
  const breakers = deps.breakers ? new Map(deps.breakers().map((b) => [b.destination, b])) : undefined;
  const date = (v: string | Date | null) => (v ? new Date(v) : null);

  return {
    asOf: now.toISOString(),
    destinations: [...new Set([...DESTINATIONS, ...byDestination.keys()])].map((destination) => {
      const r = byDestination.get(destination);
      const lastSuccessAt = date(r?.last_success_at ?? null);
      const lastFailureAt = date(r?.last_failure_at ?? null);
      const successes = Number(r?.successes_1h ?? 0);
      const failures = Number(r?.failures_1h ?? 0);
      return {
        destination,
        circuit: circuitOf(destination, r, breakers),
        lastHour: { successes, failures, errorRate: successes + failures === 0 ? null : Math.round((failures / (successes + failures)) * 1000) / 1000 },
        lastSuccessAt: lastSuccessAt?.toISOString() ?? null,
        lastFailure: lastFailureAt ? { at: lastFailureAt.toISOString(), error: r?.last_failure_error ?? null } : null,
        pending: Number(r?.pending ?? 0),
        dead: Number(r?.dead ?? 0),
      };
    }),
  };
}
