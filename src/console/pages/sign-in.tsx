import type { FC } from 'hono/jsx';
import { CsrfField, Layout, type View } from '../layout.js';

export const SignInPage: FC<{ v: View; next?: string }> = ({ v, next }) => (
  <Layout v={v} title={v.t('signInTitle')}>
    <form method="post" action="/console/sign-in" class="panel">
      <CsrfField v={v} />
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <p id="token-help">{v.t('signInHelp')}</p>
      <label for="token">{v.t('opsToken')}</label>
      <input id="token" name="token" type="password" required autocomplete="off" size={60} maxlength={4096} aria-describedby="token-help" />
      <p>
        <button type="submit">{v.t('signIn')}</button> <span class="muted">{v.t('sessionNote')}</span>
      </p>
    </form>
  </Layout>
);
