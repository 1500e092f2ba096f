import { sql } from 'drizzle-orm';
import type { AppDeps } from '../../app/context.js';
import { resultRows } from '../../db/result-rows.js';

export interface HourBucket {
  /** Start of the hour (UTC instant). */
  hour: string;
  delivered: number;
  failed: number;
}

export interface DestinationHistory {
  destination: string;
  hours: HourBucket[];
  /** Median of created → delivered over the deliveries of the window, in ms; null without any. */
  medianDeliveryMs: number | null;
}

const HOUR = 3_600_000;

/**
 * The last `hours` hours per destination, hour by hour: deliveries that succeeded and attempts
 * that failed (from each row's error history), and the median time a delivery took from being
 * written to being delivered, retries included. Providers' webhooks are left out, as in
 * platformHealth.
 */
export async function platformHistory(deps: Pick<AppDeps, 'database' | 'now'>, destinations: readonly string[], hours = 24): Promise<DestinationHistory[]> {
  const end = Math.floor(deps.now().getTime() / HOUR) * HOUR + HOUR;
  const since = new Date(end - hours * HOUR).toISOString();
  type Row = { destination: string; hour: string | Date; delivered: number; failed: number };
  const rows = resultRows<Row>(
    await deps.database.db.execute(sql`
      with ok as (
        select destination, date_trunc('hour', delivered_at) as hour, count(*)::int as n
        from outbox where kind <> 'webhook.deliver' and delivered_at >= ${since}::timestamptz group by 1, 2
      ),
      bad as (
        select o.destination, date_trunc('hour', (e ->> 'at')::timestamptz) as hour, count(*)::int as n
        from outbox o cross join lateral jsonb_array_elements(o.errors) e
        where o.kind <> 'webhook.deliver' and (o.status <> 'delivered' or o.delivered_at >= ${since}::timestamptz)
          and jsonb_array_length(o.errors) > 0 and (e ->> 'at')::timestamptz >= ${since}::timestamptz
        group by 1, 2
      )
      select coalesce(ok.destination, bad.destination) as destination, coalesce(ok.hour, bad.hour) as hour,
        coalesce(ok.n, 0) as delivered, coalesce(bad.n, 0) as failed
      from ok full join bad on bad.destination = ok.destination and bad.hour = ok.hour`),
  );
  const medians = resultRows<{ destination: string; ms: number | string | null }>(
    await deps.database.db.execute(sql`
      select destination, percentile_cont(0.5) within group (order by extract(epoch from (delivered_at - created_at)) * 1000) as ms
      from outbox where kind <> 'webhook.deliver' and delivered_at >= ${since}::timestamptz group by destination`),
  );
  const all = [...new Set([...destinations, ...rows.map((r) => r.destination)])];
  return all.map((destination) => {
    const mine = rows.filter((r) => r.destination === destination);
    const m = medians.find((r) => r.destination === destination)?.ms;
    return {
      destination,
      hours: Array.from({ length: hours }, (_, i) => {
        const start = end - (hours - i) * HOUR;
        const hit = mine.find((r) => new Date(r.hour).getTime() === start);
        return { hour: new Date(start).toISOString(), delivered: Number(hit?.delivered ?? 0), failed: Number(hit?.failed ?? 0) };
      }),
      medianDeliveryMs: m === null || m === undefined ? null : Math.round(Number(m)),
    };
  });
}
