import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import Fastify from 'fastify'
import { addWorker } from '../src/modules/helpdesk/commands/add-worker.ts'
import { openHelpdesk } from '../src/modules/helpdesk/commands/open-helpdesk.ts'
import { submitReport } from '../src/modules/helpdesk/commands/submit-report.ts'
import { type Role, roles } from '../src/platform/policy.ts'
import { type RouteEntry, registerRoutePolicy } from '../src/platform/route-policy.ts'
import { type Agent, agent } from './support/agent.ts'
import { type TestApp, testApp } from './support/app.ts'
import { createStaff, signIn, type TestStaff } from './support/factories.ts'

/**
 * Who may reach each staff route. A route guarded by a permission must appear here, so adding one
 * means deciding, in this table, which roles reach it.
 */
const expected: Record<string, readonly Role[]> = {
  'GET /staff': roles,
  'GET /login/notice': roles,
  'GET /account': roles,
  'POST /account/recovery-codes': roles,
  'POST /account/password': roles,
  'POST /account/passkeys/options': roles,
  'POST /account/passkeys': roles,
  'DELETE /account/passkeys/:id': roles,
  'GET /staff/users': ['admin'],
  'POST /staff/invites': ['admin'],
  'GET /staff/users/:id': ['admin'],
  'PUT /staff/users/:id/roles': ['admin'],
  'GET /staff/users/:id/disable': ['admin'],
  'POST /staff/users/:id/disable': ['admin'],
  'POST /staff/users/:id/enable': ['admin'],
  'POST /staff/users/:id/reset-link': ['admin'],
  'GET /staff/audit': ['admin'],
  'GET /staff/styleguide': roles,
  'GET /staff/chronicle/vocabularies': ['admin', 'coordinator', 'editor'],
  'POST /staff/chronicle/vocabularies/terms': ['admin', 'coordinator', 'editor'],
  'POST /staff/chronicle/vocabularies/terms/:id/approve': ['admin', 'editor'],
  'GET /staff/chronicle/vocabularies/terms/:id/reject': ['admin', 'editor'],
  'POST /staff/chronicle/vocabularies/terms/:id/reject': ['admin', 'editor'],
  'GET /staff/chronicle/import': ['admin', 'coordinator', 'editor'],
  'POST /staff/chronicle/import': ['admin', 'coordinator', 'editor'],
  'GET /staff/chronicle/import/jobs/:id': ['admin', 'coordinator', 'editor'],
  'POST /staff/chronicle/import/jobs/:id/run': ['admin', 'coordinator', 'editor'],
  'POST /staff/chronicle/import/jobs/:id/retry': ['admin', 'coordinator', 'editor'],
  'POST /staff/chronicle/import/mappings': ['admin', 'coordinator', 'editor'],
  'GET /staff/chronicle': ['admin', 'coordinator', 'editor'],
  'GET /staff/chronicle/events/new': ['admin', 'coordinator', 'editor'],
  'POST /staff/chronicle/events': ['admin', 'coordinator', 'editor'],
  'GET /staff/chronicle/events/:id': ['admin', 'coordinator', 'editor'],
  'PUT /staff/chronicle/events/:id': ['admin', 'coordinator', 'editor'],
  'POST /staff/chronicle/events/:id/sources': ['admin', 'coordinator', 'editor'],
  'DELETE /staff/chronicle/events/:id/sources/:sourceId': ['admin', 'coordinator', 'editor'],
  'GET /staff/chronicle/events/:id/history': ['admin', 'coordinator', 'editor'],
  'GET /staff/chronicle/events/:id/compare': ['admin', 'coordinator', 'editor'],
  'POST /staff/chronicle/events/:id/verify': ['admin', 'editor'],
  'POST /staff/chronicle/events/:id/dispute': ['admin', 'editor'],
  'POST /staff/chronicle/events/:id/publish': ['admin', 'editor'],
  'GET /staff/chronicle/events/:id/unpublish': ['admin', 'editor'],
  'POST /staff/chronicle/events/:id/unpublish': ['admin', 'editor'],
  'GET /staff/chronicle/events/:id/duplicates': ['admin', 'coordinator', 'editor'],
  'GET /staff/chronicle/events/:id/merge': ['admin', 'editor'],
  'POST /staff/chronicle/events/:id/merge': ['admin', 'editor'],
  'POST /staff/chronicle/events/:id/unmerge': ['admin', 'editor'],
  'GET /staff/helpdesk': ['coordinator', 'lawyer', 'volunteer'],
  'GET /staff/helpdesk/reports/:id': ['coordinator', 'lawyer', 'volunteer'],
  'POST /staff/helpdesk/reports/:id/messages': ['coordinator', 'lawyer', 'volunteer'],
  'POST /staff/helpdesk/reports/:id/status': ['coordinator', 'lawyer', 'volunteer'],
  'POST /staff/helpdesk/reports/:id/claim': ['coordinator', 'lawyer', 'volunteer'],
  'GET /staff/helpdesk/reports/:id/files/:fileId': ['coordinator', 'lawyer', 'volunteer'],
  'POST /staff/helpdesk/reports/:id/assign': ['coordinator'],
  'GET /staff/helpdesk/reports/:id/convert': ['coordinator', 'lawyer', 'volunteer'],
  'POST /staff/helpdesk/reports/:id/convert': ['coordinator', 'lawyer', 'volunteer'],
  'GET /staff/helpdesk/surge': ['coordinator', 'lawyer', 'volunteer'],
  'POST /staff/helpdesk/surge/join': ['coordinator', 'lawyer', 'volunteer'],
  'GET /staff/helpdesk/retention': ['coordinator'],
  'POST /staff/helpdesk/retention/:id/keep': ['coordinator'],
  'GET /staff/helpdesk/desks': ['admin', 'coordinator'],
  'POST /staff/helpdesk/desks': ['admin', 'coordinator'],
  'GET /staff/helpdesk/desks/:id': ['admin', 'coordinator'],
  'POST /staff/helpdesk/desks/:id/settings': ['admin', 'coordinator'],
  'POST /staff/helpdesk/desks/:id/members': ['admin', 'coordinator'],
  'GET /staff/helpdesk/desks/:id/members/:userId/remove': ['admin', 'coordinator'],
  'POST /staff/helpdesk/desks/:id/members/:userId/remove': ['admin', 'coordinator'],
  'POST /staff/helpdesk/desks/:id/members/:userId/regrant': ['admin', 'coordinator'],
  'GET /staff/helpdesk/desks/:id/rotate': ['coordinator'],
  'POST /staff/helpdesk/desks/:id/rotate': ['coordinator'],
  'GET /staff/helpdesk/desks/:id/rotations/:rotationId': ['coordinator'],
  'GET /staff/helpdesk/templates': ['admin', 'coordinator'],
  'POST /staff/helpdesk/templates': ['admin', 'coordinator'],
  'GET /staff/helpdesk/templates/:id': ['admin', 'coordinator'],
  'POST /staff/helpdesk/templates/:id': ['admin', 'coordinator'],
  'GET /staff/helpdesk/templates/:id/delete': ['admin', 'coordinator'],
  'POST /staff/helpdesk/templates/:id/delete': ['admin', 'coordinator'],
  'GET /staff/helpdesk/texts': ['admin', 'coordinator'],
  'GET /staff/helpdesk/texts/:name': ['admin', 'coordinator'],
  'POST /staff/helpdesk/texts/:name': ['admin', 'coordinator'],
  'GET /staff/helpdesk/texts/:name/history': ['admin', 'coordinator'],
}

let t: TestApp
let target: TestStaff
const members = new Map<Role, { staff: TestStaff; agent: Agent }>()

before(async () => {
  t = await testApp()
  target = await createStaff(t.store.db, { roles: ['volunteer'] })
  for (const role of roles) {
    const staff = await createStaff(t.store.db, { roles: [role] })
    members.set(role, { staff, agent: await signIn(t.app, staff) })
    // Each member owns one passkey, so the route that removes one has something of theirs to find.
    await t.store.db
      .insertInto('passkeys')
      .values({ id: `passkey-${role}`, user_id: staff.id, public_key: Buffer.from('x'), name: role })
      .execute()
  }
  await createIds()
  await createHelpdeskIds()
})
after(() => t.close())

// Real ids for the routes that need them, so an allowed role reaches the handler, not a 404.
const ids = {
  event: '',
  sources: {} as Record<string, string>,
  templates: {} as Record<string, string>,
  term: '',
  importJob: '',
}
// A help desk every role's member belongs to (reports are found only by their desk's members), one
// report on it, and one more member per role for that role's removal to remove.
const helpdesk = { desk: '', report: '', file: '', rotation: '', leaving: {} as Record<string, string> }
async function createHelpdeskIds() {
  const db = t.store.db
  const admin = members.get('admin')!.staff
  helpdesk.desk = await openHelpdesk(db, {
    slug: 'policy-walk',
    name: 'Policy walk',
    takesRest: true,
    regionIds: [],
    retentionDays: 90,
    actorId: admin.id,
  })
  for (const role of roles) {
    await addWorker(db, { deskId: helpdesk.desk, userId: members.get(role)!.staff.id, actorId: admin.id })
    const leaving = await createStaff(db, { roles: ['volunteer'] })
    await addWorker(db, { deskId: helpdesk.desk, userId: leaving.id, actorId: admin.id })
    helpdesk.leaving[role] = leaving.id
  }
  const submitted = await submitReport(db, {
    content: {
      form: 'legal',
      locale: 'en',
      category: 'fine',
      details: 'Policy walk',
      name: '',
      deadline: undefined,
      region: '',
      contact: '',
      publishFacts: false,
      publishNames: false,
    },
    regionId: null,
    token: 'policy-walk-token-0000',
    photos: [Buffer.from('a photo')],
  })
  assert.equal(submitted.outcome, 'received')
  const report = await db.selectFrom('helpdesk_reports').select('id').executeTakeFirstOrThrow()
  helpdesk.report = report.id
  helpdesk.file = (await db.selectFrom('helpdesk_files').select('id').executeTakeFirstOrThrow()).id
  // A finished re-keying of the desk, for its progress page.
  const rotation = await db
    .insertInto('desk_rotations')
    .values({
      desk_id: helpdesk.desk,
      started_by: admin.id,
      state: 'finished',
      total: 1,
      started_at: new Date(0),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  helpdesk.rotation = rotation.id
}
async function createIds() {
  const db = t.store.db
  const event = await db
    .insertInto('chronicle_events')
    .values({ title: JSON.stringify({ en: 'Policy walk' }) })
    .returning('id')
    .executeTakeFirstOrThrow()
  const source = await db
    .insertInto('chronicle_sources')
    .values({ event_id: event.id, description: 'a' })
    .returning('id')
    .executeTakeFirstOrThrow()
  // One source per role, so each allowed role has one of its own to remove, and one always stays.
  for (const role of roles) {
    const own = await db
      .insertInto('chronicle_sources')
      .values({ event_id: event.id, description: role })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.sources[role] = String(own.id)
  }
  // One reply template per role too, for the same reason.
  for (const role of roles) {
    const own = await db
      .insertInto('helpdesk_templates')
      .values({
        code: `policy-${role}`,
        titles: JSON.stringify({ en: role }),
        bodies: JSON.stringify({ en: role }),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.templates[role] = String(own.id)
  }
  const term = await db
    .insertInto('vocab_terms')
    .values({
      vocabulary: 'event_type',
      code: 'policy-walk',
      labels: JSON.stringify({ en: 'x' }),
      status: 'proposed',
      extra: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const job = await db
    .insertInto('chronicle_jobs')
    .values({ kind: 'import', params: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow()
  Object.assign(ids, {
    event: String(event.id),
    source: String(source.id),
    term: String(term.id),
    importJob: job.id,
  })
}

function urlFor(url: string, role: string): string {
  if (url.startsWith('/account/passkeys')) return url.replace(':id', `passkey-${role}`)
  if (url.startsWith('/staff/chronicle/events/'))
    return url
      .replace(':id', ids.event)
      .replace(':sourceId', ids.sources[role]!)
      .replace(/\/compare$/, '/compare?a=1&b=1')
  if (url.startsWith('/staff/chronicle/vocabularies/')) return url.replace(':id', ids.term)
  if (url.startsWith('/staff/chronicle/import/jobs/')) return url.replace(':id', ids.importJob)
  if (url.startsWith('/staff/helpdesk/reports/') || url.startsWith('/staff/helpdesk/retention/'))
    return url.replace(':id', helpdesk.report).replace(':fileId', helpdesk.file)
  // A removal removes that role's own spare member; a regrant gives the member their own keys again.
  if (url.endsWith('/regrant'))
    return url.replace(':id', helpdesk.desk).replace(':userId', members.get(role as Role)!.staff.id)
  if (url.startsWith('/staff/helpdesk/templates/')) return url.replace(':id', ids.templates[role]!)
  if (url.startsWith('/staff/helpdesk/texts/')) return url.replace(':name', 'rights')
  if (url.startsWith('/staff/helpdesk/desks/'))
    return url
      .replace(':id', helpdesk.desk)
      .replace(':userId', helpdesk.leaving[role]!)
      .replace(':rotationId', helpdesk.rotation)
  return url.replace(':id', target.id)
}

const guarded = () =>
  t.app.lifelineRoutes.filter((route) => typeof route.policy === 'object' && route.method !== 'HEAD')
const key = (route: RouteEntry) => `${route.method} ${route.url}`

describe('route policies', () => {
  it('every registered route declares a policy', () => {
    const missing = t.app.lifelineRoutes.filter((route) => !route.policy).map(key)
    assert.deepEqual(missing, [])
  })

  it('refuses to register a route without a policy', async () => {
    const bare = Fastify()
    registerRoutePolicy(bare, [])
    assert.throws(() => bare.get('/unguarded', async () => 'open'), /declares no policy/)
  })

  it('lists every guarded route in the expected table, and nothing else', () => {
    assert.deepEqual(guarded().map(key).sort(), Object.keys(expected).sort())
  })

  it('lets exactly the expected roles through each guarded route; others get 404', async () => {
    const mismatches: string[] = []
    for (const route of guarded()) {
      // Harmless bodies: a refused request must change nothing, an allowed one only proves it got in.
      for (const role of roles) {
        const url = urlFor(route.url, role)
        const { agent: member } = members.get(role)!
        const response =
          route.method === 'GET'
            ? await member.get(url)
            : await member.send(route.method, url, `_csrf=${member.csrf}&roles=volunteer`, {
                'content-type': 'application/x-www-form-urlencoded',
              })
        const allowed = response.statusCode !== 404
        if (allowed !== expected[key(route)]!.includes(role))
          mismatches.push(`${key(route)} as ${role}: ${response.statusCode}`)
      }
    }
    assert.deepEqual(mismatches, [])
  })

  it('sends visitors who are not signed in to the sign-in page, and refuses their posts', async () => {
    const visitor = agent(t.app)
    for (const route of guarded()) {
      const url = route.url.replace(':id', target.id)
      const response =
        route.method === 'GET'
          ? await visitor.get(url)
          : await visitor.send(route.method, url, `_csrf=${visitor.csrf}`, {
              'content-type': 'application/x-www-form-urlencoded',
            })
      if (route.method === 'GET')
        assert.match(String(response.headers.location), /^\/login\?next=/, key(route))
      else assert.equal(response.statusCode, 404, key(route))
    }
  })

  it('answers 404 for an unknown user id, the same as for one the caller may not see', async () => {
    const admin = members.get('admin')!.agent
    assert.equal((await admin.get('/staff/users/00000000-0000-4000-8000-000000000000')).statusCode, 404)
    assert.equal((await admin.get('/staff/users/not-a-uuid')).statusCode, 404)
  })
})
