import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import Fastify from 'fastify'
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
  'GET /account': roles,
  'POST /account/recovery-codes': roles,
  'POST /account/password': roles,
  'GET /account/passkeys/options': roles,
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
})
after(() => t.close())

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
        const url = route.url.replace(
          ':id',
          route.url.startsWith('/account/passkeys') ? `passkey-${role}` : target.id,
        )
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
