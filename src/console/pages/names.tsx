import type { FC } from 'hono/jsx';
import type { listHeldNames } from '../../services/ops/held-names.js';
import { formatWib } from '../i18n.js';
import { CsrfField, Layout, ReasonField, type View } from '../layout.js';

type Held = Awaited<ReturnType<typeof listHeldNames>>;

export const NamesPage: FC<{ v: View; held: Held }> = ({ v, held }) => (
  <Layout v={v} title={v.t('namesTitle')}>
    <p>{v.t('namesHelp')}</p>
    {held.items.length === 0 ? <p>{v.t('noneHeld')}</p> : null}
    {held.items.map((h, i) => (
      <section class="panel" aria-labelledby={`held-${i}`} data-enrollment={h.enrollmentId}>
        <h2 id={`held-${i}`}>
          {h.courseTitle} <span class="muted">· {h.platform} · <code>{h.voucherCode}</code></span>
        </h2>
        <div class="names">
          <div>
            <div class="muted">{v.t('nameProvider')}</div>
            <div class="value">{h.names.provider}</div>
          </div>
          <div>
            <div class="muted">{v.t('namePlatform')}</div>
            <div class="value">{h.names.platform}</div>
          </div>
          <div>
            <div class="muted">{v.t('namePrakerja')}</div>
            <div class="value">{h.names.prakerja ?? '—'}</div>
          </div>
        </div>
        <p>
          {v.t('decision')}: <strong>{h.decision}</strong> · {v.t('score')}: <strong>{h.score.toFixed(2)}</strong> · {v.t('heldSince')} {formatWib(v.lang, h.heldSince)} ·{' '}
          <a href={`/console/participants?enrollment=${h.enrollmentId}`}>{v.t('participant')}</a>
        </p>
        <p>
          <strong>{v.t('explanation')}:</strong> {h.explanation}
        </p>
        {h.refused ? (
          <p class="problem">
            {v.t('refuseName')}: {h.refused.by}, {formatWib(v.lang, h.refused.at)}: {h.refused.reason}
          </p>
        ) : null}
        <div class="actions">
          <form method="post" action={`/console/enrollments/${h.enrollmentId}/accept-name`}>
            <CsrfField v={v} />
            <input type="hidden" name="from" value="names" />
            <ReasonField v={v} id={`accept-${i}`} />
            <button type="submit">{v.t('acceptName')}</button>
          </form>
          <form method="post" action={`/console/enrollments/${h.enrollmentId}/refuse-name`}>
            <CsrfField v={v} />
            <ReasonField v={v} id={`refuse-${i}`} />
            <button type="submit" class="danger">
              {v.t('refuseName')}
            </button>
          </form>
        </div>
      </section>
    ))}
    {held.nextOffset !== null ? (
      <p>
        <a href={`/console/names?offset=${held.nextOffset}`}>{v.t('nextPage')}</a>
      </p>
    ) : null}
  </Layout>
);
