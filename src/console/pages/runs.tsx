import type { FC } from 'hono/jsx';
import type { runView } from '../../services/recon/runs.js';
import { formatWib, wibInputValue, type WordKey } from '../i18n.js';
import { CsrfField, Layout, type View } from '../layout.js';

type Run = ReturnType<typeof runView>;

const STATUS = { running: 'running', succeeded: 'succeeded', failed: 'runFailed' } as const satisfies Record<Run['status'], WordKey>;

export const RunForm: FC<{ v: View; platforms: readonly string[]; now: Date }> = ({ v, platforms, now }) => (
  <form method="post" action="/console/runs" class="panel inline" aria-labelledby="start-h">
    <h2 id="start-h" class="full">
      {v.t('startRun')}
    </h2>
    <CsrfField v={v} />
    <div>
      <label for="run-platform">{v.t('platform')}</label>
      <select id="run-platform" name="platform">
        <option value="">{v.t('allPlatforms')}</option>
        {platforms.map((p) => (
          <option value={p}>{p}</option>
        ))}
      </select>
    </div>
    <div>
      <label for="run-from">{v.t('windowFrom')}</label>
      <input id="run-from" name="from" type="datetime-local" required value={wibInputValue(new Date(now.getTime() - 7 * 24 * 3_600_000))} />
    </div>
    <div>
      <label for="run-to">{v.t('windowTo')}</label>
      <input id="run-to" name="to" type="datetime-local" />
    </div>
    <div>
      <label for="run-reason">{v.t('reason')}</label>
      <input id="run-reason" name="reason" maxlength={1000} size={30} />
    </div>
    <button type="submit">{v.t('startRun')}</button>
  </form>
);

const Counts: FC<{ v: View; run: Run }> = ({ v, run }) => {
  const kinds = Object.entries(run.counts.discrepancies ?? {});
  return kinds.length === 0 ? (
    <span class="muted">—</span>
  ) : (
    <ul>
      {kinds.map(([kind, n]) => (
        <li>
          <a href={`/console/discrepancies?runId=${run.id}&kind=${kind}`}>
            <code>{kind}</code>
          </a>
          : {n}
        </li>
      ))}
    </ul>
  );
};

export const RunsPage: FC<{ v: View; runs: Run[]; platforms: readonly string[]; now: Date; nextCursor: string | null }> = ({ v, runs, platforms, now, nextCursor }) => (
  <Layout v={v} title={v.t('runsTitle')} refreshSeconds={runs.some((r) => r.status === 'running') ? 5 : undefined}>
    <RunForm v={v} platforms={platforms} now={now} />
    {runs.some((r) => r.status === 'running') ? <p role="status">{v.t('refreshing')}</p> : null}
    {runs.length === 0 ? (
      <p>{v.t('noneFound')}</p>
    ) : (
      <table>
        <caption>{v.t('runsTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{v.t('platform')}</th>
            <th scope="col">{v.t('windowFrom')}</th>
            <th scope="col">{v.t('status')}</th>
            <th scope="col">{v.t('requestedBy')}</th>
            <th scope="col">{v.t('started')}</th>
            <th scope="col">{v.t('findingsPerKind')}</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr data-run={r.id}>
              <td>
                <a href={`/console/runs/${r.id}`}>{r.id}</a>
              </td>
              <td>{r.platform ?? v.t('allPlatforms')}</td>
              <td>
                {formatWib(v.lang, r.from)} – {formatWib(v.lang, r.to)}
              </td>
              <td>
                <span class={`badge ${r.status === 'succeeded' ? 'ok' : r.status === 'failed' ? 'bad' : 'warn'}`}>{v.t(STATUS[r.status])}</span>
                {r.error ? <div class="muted">{r.error}</div> : null}
              </td>
              <td>{r.requestedBy}</td>
              <td>{formatWib(v.lang, r.startedAt)}</td>
              <td>
                <Counts v={v} run={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    {nextCursor ? (
      <p>
        <a href={`/console/runs?cursor=${encodeURIComponent(nextCursor)}`}>{v.t('nextPage')}</a>
      </p>
    ) : null}
  </Layout>
);

export const RunPage: FC<{ v: View; run: Run }> = ({ v, run }) => (
  <Layout v={v} title={`${v.t('run')} #${run.id}`} refreshSeconds={run.status === 'running' ? 5 : undefined}>
    {run.status === 'running' ? <p role="status">{v.t('refreshing')}</p> : null}
    <div class="card">
      <dl>
        <dt>{v.t('status')}</dt>
        <dd>
          <span class={`badge ${run.status === 'succeeded' ? 'ok' : run.status === 'failed' ? 'bad' : 'warn'}`}>{v.t(STATUS[run.status])}</span> {run.error ?? ''}
        </dd>
        <dt>{v.t('platform')}</dt>
        <dd>{run.platform ?? v.t('allPlatforms')}</dd>
        <dt>{v.t('windowFrom')}</dt>
        <dd>
          {formatWib(v.lang, run.from)} – {formatWib(v.lang, run.to)}
        </dd>
        <dt>{v.t('requestedBy')}</dt>
        <dd>{run.requestedBy}</dd>
        <dt>{v.t('started')}</dt>
        <dd>{formatWib(v.lang, run.startedAt)}</dd>
        <dt>{v.t('finished')}</dt>
        <dd>{formatWib(v.lang, run.finishedAt)}</dd>
        <dt>{v.t('staged')}</dt>
        <dd>
          {Object.entries(run.counts.staged ?? {})
            .map(([p, n]) => `${p} ${n}`)
            .join(' · ') || '—'}
          {run.counts.prakerja ? ` · prakerja.go.id ${run.counts.prakerja.staged}` : ''}
        </dd>
      </dl>
      <h2>{v.t('findingsPerKind')}</h2>
      <Counts v={v} run={run} />
      <p>
        <a href={`/console/discrepancies?runId=${run.id}`}>{v.t('navDiscrepancies')}</a>
      </p>
    </div>
  </Layout>
);
