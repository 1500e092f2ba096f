import type { Child, FC } from 'hono/jsx';
import type { Lang, T, WordKey } from './i18n.js';

/** What every page is rendered with: the words, who is signed in, the form token, where we are. */
export interface View {
  t: T;
  lang: Lang;
  operator?: string;
  csrf: string;
  path: string;
  /** This page in the other language, keeping its query (the participant, the filters). */
  otherLangHref: string;
  flash?: WordKey;
}

const NAV: Array<[string, WordKey]> = [
  ['/console/participants', 'navParticipant'],
  ['/console/names', 'navNames'],
  ['/console/discrepancies', 'navDiscrepancies'],
  ['/console/dead-letters', 'navDeadLetters'],
  ['/console/runs', 'navRuns'],
  ['/console/platforms', 'navPlatforms'],
  ['/console/audit', 'navAudit'],
];

export const CsrfField: FC<{ v: View }> = ({ v }) => <input type="hidden" name="_csrf" value={v.csrf} />;

/** The reason every action needs, labelled and required (the server checks it again). */
export const ReasonField: FC<{ v: View; id: string }> = ({ v, id }) => (
  <div>
    <label for={id}>{v.t('reason')}</label>
    <textarea id={id} name="reason" required minlength={3} maxlength={1000} aria-describedby={`${id}-hint`}></textarea>
    <span id={`${id}-hint`} class="muted">
      {v.t('reasonHint')}
    </span>
  </div>
);

export const Layout: FC<{ v: View; title: string; refreshSeconds?: number; children?: Child }> = ({ v, title, refreshSeconds, children }) => {
  const other: Lang = v.lang === 'id' ? 'en' : 'id';
  return (
    <html lang={v.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {refreshSeconds ? <meta http-equiv="refresh" content={String(refreshSeconds)} /> : null}
        <title>{`${title} · ${v.t('appName')}`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script type="module" src="/console/assets/console.js"></script>
      </head>
      <body>
        <a class="skip" href="#main">
          {v.t('skip')}
        </a>
        <header class="top">
          <a class="brand" href="/console">
            {v.t('appName')}
          </a>
          {v.operator ? (
            <nav class="main" aria-label={v.t('mainNav')}>
              <ul>
                {NAV.map(([href, key]) => (
                  <li>
                    <a href={href} aria-current={v.path.startsWith(href) ? 'page' : undefined}>
                      {v.t(key)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <div class="who">
            <a href={v.otherLangHref} lang={other} hreflang={other}>
              {other === 'en' ? 'English' : 'Bahasa Indonesia'}
            </a>
            {v.operator ? (
              <>
                <span>
                  {v.t('signedInAs')} <strong>{v.operator}</strong>
                </span>
                <form method="post" action="/console/sign-out">
                  <CsrfField v={v} />
                  <button type="submit">{v.t('signOut')}</button>
                </form>
              </>
            ) : null}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          <h1>{title}</h1>
          {v.flash ? (
            <p class="flash" role="status">
              {v.t(v.flash)}
            </p>
          ) : null}
          {children}
        </main>
      </body>
    </html>
  );
};
