/**
 * Every page of Lifeline, public and staff, once: the one list the gallery (`npm run gallery`) draws
 * and the page checks (test/browser/pages.test.ts) walk. Paths are filled from the sample data
 * (test/support/sample-data.ts). test/page-list.test.ts holds every GET route that answers HTML to
 * being here or in `excludedRoutes` with its reason, so a new module's pages join or fail that test.
 */
import type { Role } from '../../src/platform/policy.ts'
import type { Sample, SampleStaff } from './sample-data.ts'

/** Who looks at a page: a visitor with no account, or a signed-in member of that role. */
export type Audience = Role | 'public'

/** A form on the way to a page: its fields by name, sent with the form's own button. */
export type FormStep = {
  /** The start of the form's `action`, which picks the form on the page. */
  action: string
  fields: Record<string, string>
}

/** One page as a person sees it. */
export type PageEntry = {
  /** Unique, and safe in a file name. */
  name: string
  /** The route that answers it, `METHOD /url` as registered; null for the not-found page. */
  route: string | null
  /** Where to go first. */
  path: string
  audience: Audience
  /** The status it answers with (200 when not given). */
  status?: number
  /** A form sent from `path`: the page is what answers it (a receipt, a form with its errors). */
  form?: FormStep
  /** Why the page shows vocabulary codes on purpose (the page checks then look for i18n keys only). */
  showsCodes?: string
  /** Opened by a reader of its own, as its form signs in. */
  alone?: true
}

const signInForm = (who: SampleStaff): FormStep => ({
  action: '/login',
  fields: { email: who.email, password: who.password },
})

/** The page list, with the sample's ids and secrets in its paths and forms. */
export function pageList(sample: Sample): PageEntry[] {
  const desk = `/staff/helpdesk/desks/${sample.desk}`
  const report = (id: string) => `/staff/helpdesk/reports/${id}`
  const event = `/staff/chronicle/events/${sample.event}`
  const pages: PageEntry[] = [
    // Anyone.
    { name: 'home', route: 'GET /', path: '/', audience: 'public' },
    { name: 'not-found', route: null, path: '/no-such-page', audience: 'public', status: 404 },
    { name: 'help', route: 'GET /help', path: '/help', audience: 'public' },
    { name: 'help-detained', route: 'GET /help/detained', path: '/help/detained', audience: 'public' },
    {
      name: 'help-detained-errors',
      route: 'POST /help/detained',
      path: '/help/detained',
      audience: 'public',
      status: 400,
      form: { action: '/help/detained', fields: {} },
    },
    {
      name: 'help-detained-receipt',
      route: 'POST /help/detained',
      path: '/help/detained',
      audience: 'public',
      status: 201,
      form: {
        action: '/help/detained',
        fields: { who: 'Иван, 24 года', place: 'Площадь Ленина', station: 'ОВД «Центральный»' },
      },
    },
    { name: 'help-legal', route: 'GET /help/legal', path: '/help/legal', audience: 'public' },
    { name: 'help-report-receipt', route: 'GET /help/report', path: '/help/report', audience: 'public' },
    {
      name: 'help-report-writer',
      route: 'POST /help/report',
      path: '/help/report',
      audience: 'public',
      form: { action: '/help/report', fields: { receipt: sample.receipt } },
    },
    { name: 'help-counts', route: 'GET /help/counts', path: '/help/counts', audience: 'public' },
    { name: 'help-rights', route: 'GET /help/rights', path: '/help/rights', audience: 'public' },
    { name: 'help-relatives', route: 'GET /help/relatives', path: '/help/relatives', audience: 'public' },
    { name: 'chronicle', route: 'GET /chronicle', path: '/chronicle', audience: 'public' },
    {
      name: 'chronicle-filtered',
      route: 'GET /chronicle',
      path: '/chronicle?region=RU-MOW&type=detention',
      audience: 'public',
    },
    // Events beyond Russia: the country facet, and the region facet of a country with occupied regions.
    { name: 'chronicle-country', route: 'GET /chronicle', path: '/chronicle?country=UA', audience: 'public' },
    {
      name: 'chronicle-event',
      route: 'GET /chronicle/events/:id',
      path: `/chronicle/events/${sample.event}`,
      audience: 'public',
    },
    {
      name: 'chronicle-person',
      route: 'GET /chronicle/persons/:id',
      path: `/chronicle/persons/${sample.person}`,
      audience: 'public',
    },
    {
      name: 'chronicle-case',
      route: 'GET /chronicle/cases/:id',
      path: `/chronicle/cases/${sample.case}`,
      audience: 'public',
    },
    { name: 'chronicle-stats', route: 'GET /chronicle/stats', path: '/chronicle/stats', audience: 'public' },
    {
      name: 'chronicle-export',
      route: 'GET /chronicle/exports/:id',
      path: `/chronicle/exports/${sample.exportJob}`,
      audience: 'public',
    },
    { name: 'login', route: 'GET /login', path: '/login', audience: 'public' },
    {
      name: 'login-totp',
      route: 'GET /login/totp',
      path: '/login',
      audience: 'public',
      form: signInForm(sample.staff.treasurer),
      alone: true,
    },
    {
      name: 'account-totp-enrol',
      route: 'GET /account/totp',
      path: '/login',
      audience: 'public',
      form: signInForm(sample.enrolling),
      alone: true,
    },
    {
      name: 'signup',
      route: 'GET /signup/:token',
      path: `/signup/${sample.tokens.signup}`,
      audience: 'public',
    },
    {
      name: 'reset',
      route: 'GET /reset/:token',
      path: `/reset/${sample.tokens.reset}`,
      audience: 'public',
    },
    // A setup link is refused once an account exists: what a second visit to it shows.
    {
      name: 'setup-used',
      route: 'GET /setup/:token',
      path: `/setup/${sample.tokens.setup}`,
      audience: 'public',
      status: 410,
    },

    // Every member.
    { name: 'staff-admin', route: 'GET /staff', path: '/staff', audience: 'admin' },
    { name: 'staff-lawyer', route: 'GET /staff', path: '/staff', audience: 'lawyer' },
    { name: 'account', route: 'GET /account', path: '/account', audience: 'lawyer' },
    { name: 'account-totp-enrolled', route: 'GET /account/totp', path: '/account/totp', audience: 'lawyer' },
    { name: 'styleguide', route: 'GET /staff/styleguide', path: '/staff/styleguide', audience: 'lawyer' },
    // Administrators.
    { name: 'users', route: 'GET /staff/users', path: '/staff/users', audience: 'admin' },
    {
      name: 'user',
      route: 'GET /staff/users/:id',
      path: `/staff/users/${sample.staff.lawyer.id}`,
      audience: 'admin',
    },
    {
      name: 'user-disable',
      route: 'GET /staff/users/:id/disable',
      path: `/staff/users/${sample.staff.lawyer.id}/disable`,
      audience: 'admin',
    },
    { name: 'audit', route: 'GET /staff/audit', path: '/staff/audit', audience: 'admin' },

    // The chronicle's editors.
    { name: 'staff-chronicle', route: 'GET /staff/chronicle', path: '/staff/chronicle', audience: 'editor' },
    {
      name: 'staff-event-new',
      route: 'GET /staff/chronicle/events/new',
      path: '/staff/chronicle/events/new',
      audience: 'editor',
    },
    { name: 'staff-event', route: 'GET /staff/chronicle/events/:id', path: event, audience: 'editor' },
    {
      name: 'staff-event-history',
      route: 'GET /staff/chronicle/events/:id/history',
      path: `${event}/history`,
      audience: 'editor',
    },
    {
      name: 'staff-event-compare',
      route: 'GET /staff/chronicle/events/:id/compare',
      path: `${event}/compare?a=1&b=${sample.eventVersion}`,
      audience: 'editor',
    },
    {
      name: 'staff-event-duplicates',
      route: 'GET /staff/chronicle/events/:id/duplicates',
      path: `${event}/duplicates`,
      audience: 'editor',
    },
    {
      name: 'staff-event-merge',
      route: 'GET /staff/chronicle/events/:id/merge',
      path: `${event}/merge?from=${sample.otherEvent}`,
      audience: 'editor',
    },
    {
      name: 'staff-event-unpublish',
      route: 'GET /staff/chronicle/events/:id/unpublish',
      path: `${event}/unpublish`,
      audience: 'editor',
    },
    {
      name: 'vocabularies',
      route: 'GET /staff/chronicle/vocabularies',
      path: '/staff/chronicle/vocabularies',
      audience: 'editor',
      showsCodes: 'editors manage each term by its code, which imports and the API use',
    },
    {
      name: 'vocabulary-term-reject',
      route: 'GET /staff/chronicle/vocabularies/terms/:id/reject',
      path: `/staff/chronicle/vocabularies/terms/${sample.term}/reject`,
      audience: 'editor',
      showsCodes: 'names the proposed term by its code as well as its label',
    },
    {
      name: 'import',
      route: 'GET /staff/chronicle/import',
      path: '/staff/chronicle/import',
      audience: 'editor',
    },
    {
      name: 'import-job',
      route: 'GET /staff/chronicle/import/jobs/:id',
      path: `/staff/chronicle/import/jobs/${sample.importJob}`,
      audience: 'editor',
    },

    // The help desk's members.
    { name: 'helpdesk-queue', route: 'GET /staff/helpdesk', path: '/staff/helpdesk', audience: 'lawyer' },
    {
      name: 'helpdesk-report',
      route: 'GET /staff/helpdesk/reports/:id',
      path: report(sample.reports.replied),
      audience: 'lawyer',
    },
    {
      name: 'helpdesk-report-waiting',
      route: 'GET /staff/helpdesk/reports/:id',
      path: report(sample.reports.waiting),
      audience: 'coordinator',
    },
    {
      name: 'helpdesk-report-closed',
      route: 'GET /staff/helpdesk/reports/:id',
      path: report(sample.reports.closed),
      audience: 'coordinator',
    },
    {
      name: 'helpdesk-convert',
      route: 'GET /staff/helpdesk/reports/:id/convert',
      path: `${report(sample.reports.replied)}/convert`,
      audience: 'lawyer',
    },
    {
      name: 'helpdesk-surge',
      route: 'GET /staff/helpdesk/surge',
      path: '/staff/helpdesk/surge',
      audience: 'lawyer',
    },
    {
      name: 'helpdesk-retention',
      route: 'GET /staff/helpdesk/retention',
      path: '/staff/helpdesk/retention',
      audience: 'coordinator',
    },
    {
      name: 'helpdesk-desks',
      route: 'GET /staff/helpdesk/desks',
      path: '/staff/helpdesk/desks',
      audience: 'coordinator',
    },
    { name: 'helpdesk-desk', route: 'GET /staff/helpdesk/desks/:id', path: desk, audience: 'coordinator' },
    {
      name: 'helpdesk-desk-remove-member',
      route: 'GET /staff/helpdesk/desks/:id/members/:userId/remove',
      path: `${desk}/members/${sample.leaving}/remove`,
      audience: 'coordinator',
    },
    {
      name: 'helpdesk-desk-rotate',
      route: 'GET /staff/helpdesk/desks/:id/rotate',
      path: `${desk}/rotate`,
      audience: 'coordinator',
    },
    {
      name: 'helpdesk-desk-rotation',
      route: 'GET /staff/helpdesk/desks/:id/rotations/:rotationId',
      path: `${desk}/rotations/${sample.rotation}`,
      audience: 'coordinator',
    },
    {
      name: 'helpdesk-templates',
      route: 'GET /staff/helpdesk/templates',
      path: '/staff/helpdesk/templates',
      audience: 'coordinator',
    },
    {
      name: 'helpdesk-template',
      route: 'GET /staff/helpdesk/templates/:id',
      path: `/staff/helpdesk/templates/${sample.template}`,
      audience: 'coordinator',
    },
    {
      name: 'helpdesk-template-delete',
      route: 'GET /staff/helpdesk/templates/:id/delete',
      path: `/staff/helpdesk/templates/${sample.template}/delete`,
      audience: 'coordinator',
    },
    {
      name: 'helpdesk-texts',
      route: 'GET /staff/helpdesk/texts',
      path: '/staff/helpdesk/texts',
      audience: 'coordinator',
    },
    {
      name: 'helpdesk-text',
      route: 'GET /staff/helpdesk/texts/:name',
      path: '/staff/helpdesk/texts/rights',
      audience: 'coordinator',
    },
    {
      name: 'helpdesk-text-history',
      route: 'GET /staff/helpdesk/texts/:name/history',
      path: '/staff/helpdesk/texts/rights/history',
      audience: 'coordinator',
    },
  ]
  return pages
}

/**
 * GET routes that are no page of their own, each with why. A rule's pattern is matched against the
 * route's url as registered (`/chronicle/events/:id`).
 */
export const excludedRoutes: { pattern: RegExp; reason: string }[] = [
  { pattern: /^\/assets\//, reason: 'stylesheets, scripts and icons, not pages' },
  { pattern: /^\/(healthz|readyz)$/, reason: 'health checks for the operator, plain text' },
  { pattern: /^\/api\//, reason: 'the JSON API' },
  { pattern: /\.(csv|json|ndjson|atom)$/, reason: 'data files and feeds, not pages' },
  { pattern: /^\/chronicle\/exports\/:id\/download$/, reason: 'an export file' },
  { pattern: /^\/staff\/helpdesk\/reports\/:id\/files\/:fileId$/, reason: 'a report’s photo' },
  { pattern: /^\/help\/proof$/, reason: 'a proof-of-work challenge for the forms’ script, JSON' },
  { pattern: /^\/login\/passkey\/options$/, reason: 'passkey options for the sign-in script, JSON' },
  {
    pattern: /^\/login\/notice$/,
    reason:
      'shown once, right after a sign-in that followed failed attempts; test/browser covers the sign-in steps',
  },
]

/** The reason a GET route is not in the page list, or undefined if it should be. */
export function exclusionOf(url: string): string | undefined {
  return excludedRoutes.find((rule) => rule.pattern.test(url))?.reason
}
