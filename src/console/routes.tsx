import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app/context.js';
import { onError } from '../app/errors.js';
import { DISCREPANCY_KINDS } from '../domain/reconciliation.js';
import { PLATFORM_IDS } from '../domain/types.js';
import { problemResponse, problems, ProblemError, type Problem } from '../lib/problem.js';
import { DESTINATIONS } from '../outbox/handlers.js';
import { acceptName } from '../services/ops/accept-name.js';
import { listAudit } from '../services/ops/audit.js';
import { listDeadLetters, redriveDelivery, replayDeadLetters } from '../services/ops/deliveries.js';
import { listHeldNames } from '../services/ops/held-names.js';
import { refuseName } from '../services/ops/name-decisions.js';
import { participantTimeline } from '../services/ops/participant-timeline.js';
import { platformHealth } from '../services/ops/platform-health.js';
import { platformHistory } from '../services/ops/platform-history.js';
import { listProviders } from '../services/ops/providers.js';
import { discrepanciesCsv, listDiscrepancies, resolveDiscrepancy } from '../services/recon/discrepancies.js';
import { getRun, listRuns, runView } from '../services/recon/runs.js';
import { startAuditedRun } from '../services/recon/start-run.js';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.js';
import { checkPreSignInToken, checkSessionToken, preSignInToken, sameOrigin, sessionCsrfToken } from './csrf.js';
import {
  AcceptForm,
  AuditQuery,
  CursorQuery,
  DiscrepancyQuery,
  EnrollmentQuery,
  formOf,
  OffsetQuery,
  parseOrRefuse,
  ReasonForm,
  RunForm,
  SearchForm,
  SelectionForm,
  SignInForm,
} from './forms.js';
import { isWordKey, languageOf, parseWibInput, words, type WordKey } from './i18n.js';
import type { View } from './layout.js';
import { AuditPage } from './pages/audit.js';
import { DeadLettersPage, groupDeadLetters } from './pages/dead-letters.js';
import { DiscrepanciesPage, filterQuery } from './pages/discrepancies.js';
import { NamesPage } from './pages/names.js';
import { ParticipantPage } from './pages/participant.js';
import { PlatformsPage } from './pages/platforms.js';
import { RefusalPage } from './pages/refusal.js';
import { RunPage, RunsPage } from './pages/runs.js';
import { SignInPage } from './pages/sign-in.js';
import { readSession, endSession, startSession, type ConsoleSession } from './session.js';

type ConsoleEnv = AppEnv & { Variables: AppEnv['Variables'] & { session?: ConsoleSession } };
type Ctx = Context<ConsoleEnv>;

/** Nothing but the gateway itself: no CDN, no inline script or style, no framing. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

async function viewOf(c: Ctx): Promise<View> {
  const lang = languageOf(c);
  const session = c.get('session');
  const ok = c.req.query('ok');
  const query = new URL(c.req.url).searchParams;
  query.delete('ok');
  query.set('lang', lang === 'id' ? 'en' : 'id');
  return {
    t: words(lang),
    lang,
    operator: session?.operator,
    csrf: session ? await sessionCsrfToken(c, session.sid) : '',
    path: c.req.path,
    // A page answering a form post has nothing to keep; its address is the list it belongs to.
    otherLangHref: `${c.req.path}?${c.req.method === 'GET' ? query : `lang=${query.get('lang')}`}`,
    flash: ok && ok.startsWith('ok') && isWordKey(ok) ? ok : undefined,
  };
}

const session = (c: Ctx): ConsoleSession => {
  const s = c.get('session');
  if (!s) throw problems.unauthorized('Sign in to the console first.');
  return s;
};

const wantsHtml = (c: Ctx) => /\btext\/html\b/i.test(c.req.header('accept') ?? '');

/** After an action, back to a page of the console (never an address from the request), saying what was done. */
const done = (c: Ctx, path: string, ok: WordKey) => c.redirect(`${path}${path.includes('?') ? '&' : '?'}ok=${ok}`, 303);

/** A page to return to after sign-in: a console path of ours, nothing that could leave the site. */
function safeNext(next: string | undefined): string {
  return next && /^\/console(\/[A-Za-z0-9._~\-/?=&%]*)?$/.test(next) && !next.startsWith('//') ? next : '/console/participants';
}

export const consoleRoutes = new Hono<ConsoleEnv>();

consoleRoutes.use('*', async (c, next) => {
  await next();
  c.header('content-security-policy', CSP);
  if (!c.req.path.startsWith('/console/assets/')) c.header('cache-control', 'no-store');
});
consoleRoutes.use('*', (c, next) =>
  c.req.method === 'POST'
    ? bodyLimit({ maxSize: c.get('deps').config.maxBodyBytes, onError: () => { throw problems.payloadTooLarge(c.get('deps').config.maxBodyBytes); } })(c, next)
    : next(),
);

consoleRoutes.get('/assets/console.css', (c) => c.body(CONSOLE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
consoleRoutes.get('/assets/console.js', (c) => c.body(CONSOLE_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }));

consoleRoutes.get('/sign-in', async (c) => {
  const v = { ...(await viewOf(c)), csrf: await preSignInToken(c) };
  return c.html(<SignInPage v={v} next={c.req.query('next')?.slice(0, 300)} />);
});

consoleRoutes.post('/sign-in', sameOrigin(), async (c) => {
  const form = await formOf(c);
  await checkPreSignInToken(c, form._csrf);
  const { token, next } = parseOrRefuse(SignInForm, form);
  const caller = await c.get('deps').tokens.verify(token).catch((e: Error) => {
    throw new ProblemError(401, 'unauthorized', 'Authentication required', { detail: e.message, errors: [{ field: 'token', rule: 'valid_token', message: 'must be a valid ops token' }] });
  });
  if (caller.kind !== 'ops') {
    throw new ProblemError(403, 'forbidden', 'Not allowed', {
      detail: 'The console opens only with an ops token; a provider token does not.',
      errors: [{ field: 'token', rule: 'ops_token', message: 'must be an ops token' }],
    });
  }
  await startSession(c, caller.operator);
  c.get('log').info({ operator: caller.operator }, 'console sign-in');
  return c.redirect(safeNext(next), 303);
});

// Everything below needs a session; forms also the origin check and the session's token.
consoleRoutes.use('*', async (c, next) => {
  const s = await readSession(c);
  if (!s) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect(`/console/sign-in?next=${encodeURIComponent(c.req.path)}`, 303);
    throw problems.unauthorized('Sign in to the console first; the session may have expired.');
  }
  c.set('session', s);
  c.set('log', c.get('log').child({ operator: s.operator }));
  await next();
});
consoleRoutes.post('*', sameOrigin(), async (c, next) => {
  await checkSessionToken(c, session(c).sid, (await formOf(c))._csrf);
  await next();
});

consoleRoutes.post('/sign-out', (c) => {
  endSession(c);
  return c.redirect('/console/sign-in', 303);
});

consoleRoutes.get('/', (c) => c.redirect('/console/participants', 303));

consoleRoutes.get('/participants', async (c) => {
  const v = await viewOf(c);
  const { enrollment } = parseOrRefuse(EnrollmentQuery, c.req.query(), 'query:');
  if (!enrollment) return c.html(<ParticipantPage v={v} />);
  return c.html(<ParticipantPage v={v} found={await participantTimeline(c.get('deps'), { enrollmentId: enrollment })} />);
});

// A POST keeps the card number out of addresses, history and logs; the result shows it masked.
consoleRoutes.post('/participants', async (c) => {
  const v = await viewOf(c);
  const { card } = parseOrRefuse(SearchForm, await formOf(c));
  try {
    return c.html(<ParticipantPage v={v} card={card} found={await participantTimeline(c.get('deps'), { cardNumber: card })} />);
  } catch (e) {
    if (e instanceof ProblemError && e.status === 404) return c.html(<ParticipantPage v={v} card={card} notFound />, 404);
    throw e;
  }
});

const enrollmentId = (c: Ctx) => parseOrRefuse(EnrollmentQuery, { enrollment: c.req.param('id') }, 'path:').enrollment!;
const numericId = (c: Ctx) => parseOrRefuse(SelectionForm.shape.ids.element, c.req.param('id'), 'path:id');

consoleRoutes.post('/enrollments/:id/accept-name', async (c) => {
  const id = enrollmentId(c);
  const form = parseOrRefuse(AcceptForm, await formOf(c));
  await acceptName(c.get('deps'), id, session(c).operator, form.reason);
  return form.from === 'names' ? done(c, '/console/names', 'okAccepted') : done(c, `/console/participants?enrollment=${id}`, 'okAccepted');
});

consoleRoutes.post('/enrollments/:id/refuse-name', async (c) => {
  const id = enrollmentId(c);
  const form = parseOrRefuse(ReasonForm, await formOf(c));
  await refuseName(c.get('deps'), id, session(c).operator, form.reason);
  return done(c, '/console/names', 'okRefused');
});

consoleRoutes.post('/deliveries/:id/redrive', async (c) => {
  const id = numericId(c);
  const form = parseOrRefuse(ReasonForm, await formOf(c));
  const d = await redriveDelivery(c.get('deps'), id, session(c).operator, form.reason);
  return done(c, d.enrollmentId ? `/console/participants?enrollment=${d.enrollmentId}` : '/console/dead-letters', 'okRedriven');
});

consoleRoutes.get('/names', async (c) => {
  const { offset } = parseOrRefuse(OffsetQuery, c.req.query(), 'query:');
  return c.html(<NamesPage v={await viewOf(c)} held={await listHeldNames(c.get('deps'), { limit: 20, offset })} />);
});

const discrepancyFilter = (c: Ctx) => {
  const q = parseOrRefuse(DiscrepancyQuery, c.req.query(), 'query:');
  const createdBefore = q.olderThanDays ? new Date(c.get('deps').now().getTime() - q.olderThanDays * 86_400_000) : undefined;
  return { filter: { kind: q.kind, platform: q.platform, providerId: q.provider, status: q.status, runId: q.runId, olderThanDays: q.olderThanDays }, query: { createdBefore }, cursor: q.cursor };
};

consoleRoutes.get('/discrepancies', async (c) => {
  const { filter, query, cursor } = discrepancyFilter(c);
  const [page, providers] = await Promise.all([listDiscrepancies(c.get('deps'), { ...filter, ...query }, { cursor, limit: 50 }), listProviders(c.get('deps'))]);
  return c.html(
    <DiscrepanciesPage
      v={await viewOf(c)}
      filter={filter}
      kinds={DISCREPANCY_KINDS}
      platforms={[...PLATFORM_IDS, 'prakerja']}
      providers={providers.items.map((p) => p.id)}
      items={page.items}
      nextCursor={page.nextCursor}
      paged={cursor !== undefined}
    />,
  );
});

consoleRoutes.get('/discrepancies.csv', (c) => {
  const { filter, query } = discrepancyFilter(c);
  return new Response(discrepanciesCsv(c.get('deps'), { ...filter, ...query }, {}), {
    status: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="discrepancies.csv"' },
  });
});

consoleRoutes.post('/discrepancies/resolve', async (c) => {
  const { filter } = discrepancyFilter(c);
  const form = parseOrRefuse(SelectionForm, await formOf(c));
  // One reason for the selection; each finding is resolved and audited as the API does it. One
  // resolved meanwhile (another operator, a second click) is left as it is.
  for (const id of new Set(form.ids)) {
    await resolveDiscrepancy(c.get('deps'), id, session(c).operator, form.reason).catch((e: unknown) => {
      if (!(e instanceof ProblemError && e.problem.code === 'already_resolved')) throw e;
    });
  }
  return done(c, `/console/discrepancies${filterQuery(filter)}`, 'okResolved');
});

consoleRoutes.get('/dead-letters', async (c) => {
  const { cursor } = parseOrRefuse(CursorQuery, c.req.query(), 'query:');
  const page = await listDeadLetters(c.get('deps'), { cursor, limit: 200 });
  return c.html(<DeadLettersPage v={await viewOf(c)} groups={groupDeadLetters(page.items)} nextCursor={page.nextCursor} />);
});

consoleRoutes.post('/dead-letters/replay', async (c) => {
  const form = parseOrRefuse(SelectionForm, await formOf(c));
  await replayDeadLetters(c.get('deps'), { ids: form.ids, reason: form.reason }, session(c).operator);
  return done(c, '/console/dead-letters', 'okReplayed');
});

consoleRoutes.get('/audit', async (c) => {
  const { cursor, ...filter } = parseOrRefuse(AuditQuery, c.req.query(), 'query:');
  return c.html(<AuditPage v={await viewOf(c)} filter={filter} page={await listAudit(c.get('deps'), { ...filter, cursor, limit: 50 })} paged={cursor !== undefined} />);
});

consoleRoutes.get('/platforms', async (c) => {
  const [health, history] = await Promise.all([platformHealth(c.get('deps')), platformHistory(c.get('deps'), DESTINATIONS)]);
  return c.html(<PlatformsPage v={await viewOf(c)} health={health} history={history} />);
});

consoleRoutes.get('/runs', async (c) => {
  const { cursor } = parseOrRefuse(CursorQuery, c.req.query(), 'query:');
  const page = await listRuns(c.get('deps'), { cursor, limit: 20 });
  return c.html(<RunsPage v={await viewOf(c)} runs={page.items} platforms={PLATFORM_IDS} now={c.get('deps').now()} nextCursor={page.nextCursor} />);
});

consoleRoutes.get('/runs/:id', async (c) => {
  const id = numericId(c);
  return c.html(<RunPage v={await viewOf(c)} run={await getRun(c.get('deps'), id)} />);
});

consoleRoutes.post('/runs', async (c) => {
  const form = parseOrRefuse(RunForm, await formOf(c));
  const now = c.get('deps').now();
  const from = parseWibInput(form.from);
  const to = form.to ? parseWibInput(form.to) : now;
  if (!from) throw problems.validation([{ field: 'from', rule: 'datetime', message: 'must be a date and time' }]);
  if (!to || from >= to) throw problems.validation([{ field: form.to ? 'to' : 'from', rule: 'window', message: form.to ? 'must be after from' : 'must be in the past (to defaults to now)' }]);
  const run = await startAuditedRun(c.get('deps'), { platform: form.platform || undefined, from, to, reason: form.reason || undefined }, session(c).operator);
  return done(c, `/console/runs/${runView(run).id}`, 'okRun');
});

/**
 * A refusal is the same problem the API answers: as a page for a browser, as
 * application/problem+json for anything else. Nothing was written either way.
 */
consoleRoutes.onError(async (err, c) => {
  if (!(err instanceof ProblemError)) return onError(err, c);
  const problem: Problem = { ...err.problem, instance: c.req.path };
  if (!wantsHtml(c)) return problemResponse(problem);
  const v = await viewOf(c).catch(() => undefined);
  if (!v) return problemResponse(problem);
  return c.html(<RefusalPage v={v} problem={problem} back={c.get('session') ? '/console' : '/console/sign-in'} />, problem.status as 400);
});
