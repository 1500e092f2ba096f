import type { FC } from 'hono/jsx';
import type { DiscrepancyView } from '../../services/recon/discrepancies.js';
import { formatWib } from '../i18n.js';
import { CsrfField, Layout, ReasonField, type View } from '../layout.js';

export interface DiscrepancyFilterForm {
  kind?: string;
  platform?: string;
  providerId?: string;
  status?: 'open' | 'resolved';
  runId?: number;
  olderThanDays?: number;
}

export function filterQuery(f: DiscrepancyFilterForm, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, val] of Object.entries({ kind: f.kind, platform: f.platform, provider: f.providerId, status: f.status, runId: f.runId?.toString(), olderThanDays: f.olderThanDays?.toString(), ...extra })) if (val) q.set(k, val);
  const s = q.toString();
  return s ? `?${s}` : '';
}

const Select: FC<{ v: View; id: string; label: string; options: readonly string[]; value?: string }> = ({ v, id, label, options, value }) => (
  <div>
    <label for={id}>{label}</label>
    <select id={id} name={id}>
      <option value="">{v.t('any')}</option>
      {options.map((o) => (
        <option value={o} selected={o === value}>
          {o}
        </option>
      ))}
    </select>
  </div>
);

/** A short, readable summary of a finding's details (the CSV export carries them whole). */
function summary(d: DiscrepancyView): string {
  const text = JSON.stringify(d.details);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

export const DiscrepanciesPage: FC<{
  v: View;
  filter: DiscrepancyFilterForm;
  kinds: readonly string[];
  platforms: readonly string[];
  providers: readonly string[];
  items: DiscrepancyView[];
  nextCursor: string | null;
  paged: boolean;
}> = ({ v, filter, kinds, platforms, providers, items, nextCursor, paged }) => (
  <Layout v={v} title={v.t('discrepanciesTitle')}>
    <form method="get" action="/console/discrepancies" class="panel inline" aria-label={v.t('filters')}>
      <Select v={v} id="kind" label={v.t('kind')} options={kinds} value={filter.kind} />
      <Select v={v} id="platform" label={v.t('platform')} options={platforms} value={filter.platform} />
      <Select v={v} id="provider" label={v.t('provider')} options={providers} value={filter.providerId} />
      <Select v={v} id="status" label={v.t('status')} options={['open', 'resolved']} value={filter.status} />
      <div>
        <label for="olderThanDays">{v.t('olderThan')}</label>
        <select id="olderThanDays" name="olderThanDays">
          <option value="">{v.t('any')}</option>
          {[1, 3, 7, 30].map((d) => (
            <option value={String(d)} selected={filter.olderThanDays === d}>
              {`${d} ${v.t('days')}`}
            </option>
          ))}
        </select>
      </div>
      {filter.runId ? <input type="hidden" name="runId" value={String(filter.runId)} /> : null}
      <button type="submit">{v.t('apply')}</button>
      <a class="button secondary" href={`/console/discrepancies.csv${filterQuery(filter)}`} download>
        {v.t('exportCsv')}
      </a>
    </form>
    {filter.runId ? (
      <p>
        {v.t('run')} #{filter.runId}
      </p>
    ) : null}
    <form method="post" action={`/console/discrepancies/resolve${filterQuery(filter)}`}>
      <CsrfField v={v} />
      {items.length === 0 ? (
        <p>{v.t('noneFound')}</p>
      ) : (
        <table data-sortable>
          <caption>{v.t('discrepanciesTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">
                <span data-select-group="d" data-label={v.t('selectAll')}>
                  {v.t('select')}
                </span>
              </th>
              <th scope="col">#</th>
              <th scope="col">{v.t('kind')}</th>
              <th scope="col">{v.t('platform')}</th>
              <th scope="col">{v.t('subject')}</th>
              <th scope="col">{v.t('cardNumber')}</th>
              <th scope="col">{v.t('status')}</th>
              <th scope="col">{v.t('created')}</th>
              <th scope="col">{v.t('details')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr data-discrepancy={d.id}>
                <td>
                  {d.status === 'open' ? (
                    <>
                      <label class="sr-only" for={`d-${d.id}`}>
                        {`${v.t('select')} #${d.id}`}
                      </label>
                      <input type="checkbox" id={`d-${d.id}`} name="ids" value={String(d.id)} data-group="d" />
                    </>
                  ) : null}
                </td>
                <td>{d.id}</td>
                <td>
                  <code>{d.kind}</code>
                </td>
                <td>{d.platform}</td>
                <td>{d.enrollmentId ? <a href={`/console/participants?enrollment=${d.enrollmentId}`}>{d.subject}</a> : <code>{d.subject}</code>}</td>
                <td class="mono">{d.cardNumber ?? '—'}</td>
                <td>
                  <span class={`badge ${d.status === 'open' ? 'warn' : 'ok'}`}>{v.t(d.status)}</span>
                  {d.resolvedBy ? (
                    <div class="muted">
                      {d.resolvedBy}: {d.resolution}
                    </div>
                  ) : null}
                </td>
                <td>{formatWib(v.lang, d.createdAt)}</td>
                <td class="mono">{summary(d)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {items.some((d) => d.status === 'open') ? (
        <div class="panel">
          <ReasonField v={v} id="resolve-reason" />
          <button type="submit">{v.t('resolveSelected')}</button>
        </div>
      ) : null}
    </form>
    <p>
      {paged ? <a href={`/console/discrepancies${filterQuery(filter)}`}>{v.t('firstPage')}</a> : null} {nextCursor ? <a href={`/console/discrepancies${filterQuery(filter, { cursor: nextCursor })}`}>{v.t('nextPage')}</a> : null}
    </p>
  </Layout>
);
