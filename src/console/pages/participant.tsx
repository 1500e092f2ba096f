import type { FC } from 'hono/jsx';
import type { ParticipantTimeline, TimelineDelivery, TimelineEnrollment } from '../../services/ops/participant-timeline.js';
import { formatWib } from '../i18n.js';
import { CsrfField, Layout, ReasonField, type View } from '../layout.js';
import { nextActionOf, STEP_LABEL, timelineOf } from '../timeline.js';

const StatusBadge: FC<{ status: string }> = ({ status }) => (
  <span class={`badge ${status === 'delivered' ? 'ok' : status === 'dead' ? 'bad' : 'warn'}`}>{status}</span>
);

const Deliveries: FC<{ v: View; e: TimelineEnrollment }> = ({ v, e }) =>
  e.deliveries.length === 0 ? null : (
    <table>
      <caption>{v.t('deliveries')}</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">{v.t('kind')}</th>
          <th scope="col">{v.t('destination')}</th>
          <th scope="col">{v.t('status')}</th>
          <th scope="col">{v.t('attempts')}</th>
          <th scope="col">{v.t('errors')}</th>
          <th scope="col">{v.t('deliveredOrNext')}</th>
        </tr>
      </thead>
      <tbody>
        {e.deliveries.map((d) => (
          <tr data-delivery={d.kind}>
            <td>{d.id}</td>
            <td>
              <code>{d.kind}</code>
            </td>
            <td>{d.destination}</td>
            <td>
              <StatusBadge status={d.status} />
            </td>
            <td>{d.attempts}</td>
            <td>
              <ErrorList v={v} d={d} />
            </td>
            <td>{d.status === 'pending' ? formatWib(v.lang, d.nextAttemptAt) : d.status === 'delivered' ? formatWib(v.lang, d.deliveredAt) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );

const ErrorList: FC<{ v: View; d: TimelineDelivery }> = ({ v, d }) =>
  d.errors.length === 0 ? (
    <span class="muted">—</span>
  ) : (
    <ol>
      {d.errors.map((er) => (
        <li>
          {formatWib(v.lang, er.at)} · #{er.attempt}
          {er.httpStatus ? ` · HTTP ${er.httpStatus}` : ''}: {er.error}
        </li>
      ))}
    </ol>
  );

const Enrollment: FC<{ v: View; e: TimelineEnrollment; n: number }> = ({ v, e, n }) => {
  const steps = timelineOf(e);
  const redrivable = e.deliveries.filter((d) => d.status !== 'delivered');
  return (
    <section class="panel" aria-labelledby={`enr-${n}`} data-enrollment={e.id}>
      <h2 id={`enr-${n}`}>
        {e.course.title} <span class="muted">· {e.platform}</span>
      </h2>
      <p>
        {v.t('voucher')} <code>{e.voucherCode}</code> · {v.t('provider')} <code>{e.providerId}</code> · {v.t('state')} <strong>{e.state}</strong>
        {e.firstTraining ? ` · ${v.t('firstTraining')}` : ''}
      </p>
      <h3>{v.t('timeline')}</h3>
      <ol class="timeline">
        {steps.map((s) => (
          <li class={s.state} aria-current={s.state === 'blocked' ? 'step' : undefined}>
            <span class="step">{v.t(STEP_LABEL[s.step])}</span>
            <span class={`badge ${s.state === 'done' ? 'ok' : s.state === 'blocked' ? 'bad' : 'warn'}`}>{v.t(s.state)}</span>
            {s.at && s.state === 'done' ? <div class="muted">{formatWib(v.lang, s.at)}</div> : null}
            {s.note ? <div>{s.step === 'sessions' ? `${s.note} ${v.t('sessionsAttended')}` : s.note}</div> : null}
            {s.step === 'incentive' && !e.firstTraining ? <div class="muted">{v.t('notFirst')}</div> : null}
          </li>
        ))}
      </ol>
      <h3>{v.t('blockers')}</h3>
      {e.blockers.length ? (
        <ul class="blockers">
          {e.blockers.map((b) => (
            <li>{b}</li>
          ))}
        </ul>
      ) : (
        <p>{v.t('noBlockers')}</p>
      )}
      <p>
        <strong>{v.t('nextAction')}:</strong> <span class="next-action">{v.t(nextActionOf(e))}</span>
      </p>
      <Deliveries v={v} e={e} />
      {e.name.held || redrivable.length ? (
        <div class="actions">
          {e.name.held ? (
            <form method="post" action={`/console/enrollments/${e.id}/accept-name`}>
              <CsrfField v={v} />
              <input type="hidden" name="from" value="participant" />
              <ReasonField v={v} id={`accept-${n}`} />
              <button type="submit">{v.t('acceptName')}</button>
            </form>
          ) : null}
          {redrivable.map((d) => (
            <form method="post" action={`/console/deliveries/${d.id}/redrive`}>
              <CsrfField v={v} />
              <ReasonField v={v} id={`redrive-${d.id}`} />
              <button type="submit">
                {v.t('redrive')}: <code>{d.kind}</code>
              </button>
            </form>
          ))}
        </div>
      ) : null}
    </section>
  );
};

export const ParticipantPage: FC<{ v: View; card?: string; found?: ParticipantTimeline; notFound?: boolean }> = ({ v, card, found, notFound }) => (
  <Layout v={v} title={found ? `${v.t('participant')} ${found.cardNumber}` : v.t('searchTitle')}>
    <form method="post" action="/console/participants" class="panel inline" role="search">
      <CsrfField v={v} />
      <div>
        <label for="card">{v.t('cardNumber')}</label>
        <input id="card" name="card" inputmode="numeric" autocomplete="off" required pattern="[0-9]{16}" maxlength={16} size={20} value={card ?? ''} />
      </div>
      <button type="submit">{v.t('search')}</button>
    </form>
    {notFound ? <p role="status">{v.t('noParticipant')}</p> : null}
    {found ? (
      <>
        <section class="panel" aria-labelledby="incentive-h">
          <h2 id="incentive-h">{v.t('incentive')}</h2>
          <p>
            {v.t('expected')}: <strong>Rp {found.incentive.totals.expected.toLocaleString('id-ID')}</strong> · {v.t('paid')}: Rp{' '}
            {found.incentive.totals.paid.toLocaleString('id-ID')} · {v.t('pending')}: Rp {found.incentive.totals.pending.toLocaleString('id-ID')}
          </p>
          <p>
            <strong>{v.t('nextAction')}:</strong> {found.incentive.nextAction}
          </p>
        </section>
        {found.enrollments.map((e, i) => (
          <Enrollment v={v} e={e} n={i + 1} />
        ))}
      </>
    ) : null}
  </Layout>
);
