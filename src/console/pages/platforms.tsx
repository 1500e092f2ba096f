import type { FC } from 'hono/jsx';
import type { platformHealth } from '../../services/ops/platform-health.js';
import type { DestinationHistory } from '../../services/ops/platform-history.js';
import { formatWib } from '../i18n.js';
import { Layout, type View } from '../layout.js';
import { HourChart } from './chart.js';

type Health = Awaited<ReturnType<typeof platformHealth>>;

const duration = (ms: number | null) => (ms === null ? '—' : ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`);

export const PlatformsPage: FC<{ v: View; health: Health; history: DestinationHistory[] }> = ({ v, health, history }) => (
  <Layout v={v} title={v.t('platformsTitle')}>
    <p class="muted">{formatWib(v.lang, health.asOf)}</p>
    <div class="cards">
      {health.destinations.map((d) => {
        const h = history.find((x) => x.destination === d.destination);
        const state = d.circuit.state;
        return (
          <section class="card" aria-labelledby={`p-${d.destination}`} data-destination={d.destination}>
            <h2 id={`p-${d.destination}`}>{d.destination === 'prakerja' ? 'prakerja.go.id' : d.destination}</h2>
            <dl>
              <dt>{v.t('circuit')}</dt>
              <dd>
                <span class={`badge ${state === 'closed' ? 'ok' : state === 'open' ? 'bad' : 'warn'}`}>{state}</span> <span class="muted">({d.circuit.source})</span>
              </dd>
              <dt>{v.t('errorRate')}</dt>
              <dd>
                {d.lastHour.errorRate === null ? '—' : `${(d.lastHour.errorRate * 100).toFixed(1)} %`} <span class="muted">
                  ({d.lastHour.successes} {v.t('delivered')} · {d.lastHour.failures} {v.t('failed')})
                </span>
              </dd>
              <dt>{v.t('latency')}</dt>
              <dd>{duration(h?.medianDeliveryMs ?? null)}</dd>
              <dt>{v.t('backlog')}</dt>
              <dd>{d.pending}</dd>
              <dt>{v.t('dead')}</dt>
              <dd>{d.dead ? <a href="/console/dead-letters">{d.dead}</a> : 0}</dd>
              <dt>{v.t('lastSuccess')}</dt>
              <dd>{d.lastSuccessAt ? formatWib(v.lang, d.lastSuccessAt) : v.t('never')}</dd>
              {d.lastFailure ? (
                <>
                  <dt>{v.t('lastError')}</dt>
                  <dd>
                    {formatWib(v.lang, d.lastFailure.at)}: {d.lastFailure.error ?? '—'}
                  </dd>
                </>
              ) : null}
            </dl>
            {h ? <HourChart v={v} id={`c-${d.destination}`} hours={h.hours} /> : null}
          </section>
        );
      })}
    </div>
  </Layout>
);
