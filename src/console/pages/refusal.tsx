import type { FC } from 'hono/jsx';
import type { Problem } from '../../lib/problem.js';
import { Layout, type View } from '../layout.js';

/** A refusal as a page: the same problem the API would answer, with the field and rule named. */
export const RefusalPage: FC<{ v: View; problem: Problem; back?: string }> = ({ v, problem, back }) => (
  <Layout v={v} title={v.t('refused')}>
    <div class="problem" role="alert">
      <p>
        <strong>{problem.title}</strong> <span class="muted">({problem.status}, <code>{problem.code}</code>)</span>
      </p>
      {problem.detail ? <p>{problem.detail}</p> : null}
      {problem.errors?.length ? (
        <table>
          <caption>{v.t('errors')}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('field')}</th>
              <th scope="col">{v.t('rule')}</th>
              <th scope="col">{v.t('details')}</th>
            </tr>
          </thead>
          <tbody>
            {problem.errors.map((e) => (
              <tr>
                <td>
                  <code>{e.field}</code>
                </td>
                <td>
                  <code>{e.rule}</code>
                </td>
                <td>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
    <p>
      <a href={back ?? '/console'}>{v.t('back')}</a>
    </p>
  </Layout>
);
