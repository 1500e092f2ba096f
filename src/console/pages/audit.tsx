import type { FC } from 'hono/jsx';
import type { listAudit } from '../../services/ops/audit.js';
import { formatWib } from '../i18n.js';
import { Layout, type View } from '../layout.js';

type Page = Awaited<ReturnType<typeof listAudit>>;
export interface AuditFilterForm {
  operator?: string;
  action?: string;
  target?: string;
}

const query = (f: AuditFilterForm, cursor?: string) => {
  const q = new URLSearchParams();
  for (const [k, val] of Object.entries({ ...f, cursor })) if (val) q.set(k, val);
  return q.toString() ? `?${q}` : '';
};

export const AuditPage: FC<{ v: View; filter: AuditFilterForm; page: Page; paged: boolean }> = ({ v, filter, page, paged }) => (
  <Layout v={v} title={v.t('auditTitle')}>
    <form method="get" action="/console/audit" class="panel inline" aria-label={v.t('filters')}>
      <div>
        <label for="operator">{v.t('operator')}</label>
        <input id="operator" name="operator" value={filter.operator ?? ''} maxlength={200} />
      </div>
      <div>
        <label for="action">{v.t('action')}</label>
        <input id="action" name="action" value={filter.action ?? ''} maxlength={200} placeholder="enrollment.accept_name" />
      </div>
      <div>
        <label for="target">{v.t('target')}</label>
        <input id="target" name="target" value={filter.target ?? ''} maxlength={200} placeholder="discrepancy:12" />
      </div>
      <button type="submit">{v.t('apply')}</button>
    </form>
    {page.items.length === 0 ? (
      <p>{v.t('noneFound')}</p>
    ) : (
      <table data-sortable>
        <caption>{v.t('auditTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{v.t('at')}</th>
            <th scope="col">{v.t('operator')}</th>
            <th scope="col">{v.t('action')}</th>
            <th scope="col">{v.t('target')}</th>
            <th scope="col">{v.t('reason')}</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map((a) => (
            <tr>
              <td>{formatWib(v.lang, a.at)}</td>
              <td>{a.operator}</td>
              <td>
                <code>{a.action}</code>
              </td>
              <td>
                <code>{a.target}</code>
              </td>
              <td>{a.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    <p>
      {paged ? <a href={`/console/audit${query(filter)}`}>{v.t('firstPage')}</a> : null} {page.nextCursor ? <a href={`/console/audit${query(filter, page.nextCursor)}`}>{v.t('nextPage')}</a> : null}
    </p>
  </Layout>
);
