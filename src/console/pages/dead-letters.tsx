import type { FC } from 'hono/jsx';
import type { DeliveryView } from '../../services/ops/deliveries.js';
import { formatWib } from '../i18n.js';
import { CsrfField, Layout, ReasonField, type View } from '../layout.js';

export interface DeadGroup {
  destination: string;
  error: string;
  items: DeliveryView[];
}

/** Grouped by destination and last error: one cause, one decision, usually one replay. */
export function groupDeadLetters(items: DeliveryView[]): DeadGroup[] {
  const groups = new Map<string, DeadGroup>();
  for (const d of items) {
    const error = d.lastError ?? '—';
    const key = `${d.destination}\u0000${error}`;
    const g = groups.get(key) ?? { destination: d.destination, error, items: [] };
    g.items.push(d);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => a.destination.localeCompare(b.destination) || b.items.length - a.items.length);
}

export const DeadLettersPage: FC<{ v: View; groups: DeadGroup[]; nextCursor: string | null }> = ({ v, groups, nextCursor }) => (
  <Layout v={v} title={v.t('deadTitle')}>
    <p>{v.t('deadHelp')}</p>
    {groups.length === 0 ? <p>{v.t('noneFound')}</p> : null}
    {groups.length ? (
      <form method="post" action="/console/dead-letters/replay">
        <CsrfField v={v} />
        {groups.map((g, gi) => (
          <table data-destination={g.destination}>
            <caption>
              {g.destination} · {g.items.length} · <span class="mono">{g.error}</span>
            </caption>
            <thead>
              <tr>
                <th scope="col">
                  <span data-select-group={`g${gi}`} data-label={v.t('selectAll')}>
                    {v.t('select')}
                  </span>
                </th>
                <th scope="col">#</th>
                <th scope="col">{v.t('kind')}</th>
                <th scope="col">{v.t('voucher')}</th>
                <th scope="col">{v.t('attempts')}</th>
                <th scope="col">{v.t('errors')}</th>
              </tr>
            </thead>
            <tbody>
              {g.items.map((d) => (
                <tr data-dead={d.id}>
                  <td>
                    <label class="sr-only" for={`dl-${d.id}`}>
                      {`${v.t('select')} #${d.id}`}
                    </label>
                    <input type="checkbox" id={`dl-${d.id}`} name="ids" value={String(d.id)} data-group={`g${gi}`} />
                  </td>
                  <td>{d.id}</td>
                  <td>
                    <code>{d.kind}</code>
                  </td>
                  <td>{d.enrollmentId ? <a href={`/console/participants?enrollment=${d.enrollmentId}`}>{d.voucherCode ?? d.enrollmentId}</a> : '—'}</td>
                  <td>{d.attempts}</td>
                  <td>
                    <ol>
                      {d.errors.map((e) => (
                        <li>
                          {formatWib(v.lang, e.at)} · #{e.attempt}
                          {e.httpStatus ? ` · HTTP ${e.httpStatus}` : ''}: {e.error}
                        </li>
                      ))}
                    </ol>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
        <div class="panel">
          <ReasonField v={v} id="replay-reason" />
          <button type="submit">{v.t('replaySelected')}</button>
        </div>
      </form>
    ) : null}
    {nextCursor ? (
      <p>
        <a href={`/console/dead-letters?cursor=${encodeURIComponent(nextCursor)}`}>{v.t('nextPage')}</a>
      </p>
    ) : null}
  </Layout>
);
