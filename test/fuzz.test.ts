/**
 * The fuzzer over every public route (test/support/fuzz.ts), a few thousand cases on each engine:
 * no answer is a 5xx, nothing is logged at error level, no request hangs, and afterwards a good help
 * report is still accepted and the chronicle still lists. A failure names the route, the case and the
 * status, and the seed that reproduces the run (LIFELINE_FUZZ_SEED).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { ensureTerms, insertEvents } from '../src/modules/chronicle/testing/events.ts'
import { helpdeskWith } from '../src/modules/helpdesk/testing/desk-setup.ts'
import { formToken } from '../src/modules/helpdesk/testing/forms.ts'
import { createInvite } from '../src/platform/auth/invites.ts'
import { agent } from './support/agent.ts'
import { type TestApp, testApp } from './support/app.ts'
import { createStaff, signIn } from './support/factories.ts'
import {
  csrfPairFrom,
  describeCase,
  type FuzzCase,
  fuzzCases,
  type PathValues,
  publicRoutes,
} from './support/fuzz.ts'
import { logCapture } from './support/log.ts'

const CASES = 3000
// Sent a few at a time, as browsers do; enough to overlap requests on the database.
const AT_ONCE = 4
// A request that has not been answered by then is taken to hang.
const HANG_MS = 15_000
const seed = Number(process.env.LIFELINE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))

const log = logCapture()
let t: TestApp
let values: PathValues
before(async () => {
  t = await testApp({ logStream: log.stream })
  const db = t.store.db
  const lawyer = await createStaff(db, { roles: ['lawyer'] })
  await helpdeskWith(db, lawyer.id, [lawyer.id])
  const terms = await ensureTerms(db)
  const events = await insertEvents(db, [
    {
      title: { ru: 'Пикет', en: 'A picket' },
      type_id: terms.event_type.picket,
      region_id: terms.region['RU-MOW'],
      start_date: '2023-05-06',
      start_precision: 'day',
      status: 'verified',
    },
    { title: { en: 'Undated' }, type_id: terms.event_type.protest },
  ])
  const invite = await createInvite(db, { kind: 'invite', roles: ['volunteer'] })
  values = {
    id: [...events.map(String), '1', crypto.randomUUID()],
    token: [invite.token],
    vocabulary: ['region', 'event_type', 'article'],
  }
})
after(() => t.close())

type Outcome = { fuzz: FuzzCase; status: number | 'hang' | 'threw'; detail?: string }

async function send(fuzz: FuzzCase): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<'hang'>((done) => (timer = setTimeout(() => done('hang'), HANG_MS)))
  try {
    const response = await Promise.race([
      t.app.inject({
        method: fuzz.method as 'GET',
        url: fuzz.url,
        headers: fuzz.headers,
        ...(fuzz.body ? { payload: fuzz.body } : {}),
      }),
      hang,
    ])
    if (response === 'hang') return { fuzz, status: 'hang' }
    return { fuzz, status: (response as LightMyRequestResponse).statusCode }
  } catch (error) {
    return { fuzz, status: 'threw', detail: String(error) }
  } finally {
    clearTimeout(timer)
  }
}

/** Failures grouped by route, kind and status, each with a count and its first case. */
function summarise(failed: Outcome[]): string {
  const groups = new Map<string, { count: number; first: Outcome }>()
  for (const outcome of failed) {
    const group = `${outcome.fuzz.route} (${outcome.fuzz.kind}) → ${outcome.status}`
    const known = groups.get(group)
    if (known) known.count++
    else groups.set(group, { count: 1, first: outcome })
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([group, { count, first }]) =>
        `  ${group} ×${count}\n      e.g. ${describeCase(first.fuzz)}${first.detail ? `\n      ${first.detail}` : ''}`,
    )
    .join('\n')
}

describe('fuzzing every public route', () => {
  it(`answers ${CASES} hostile requests without a 5xx, an error in the log or a hang`, async () => {
    const routes = publicRoutes(t.app.lifelineRoutes)
    assert.ok(routes.length > 40, 'the public routes are found')
    const form = await t.app.inject({ method: 'GET', url: '/login' })
    const pair = csrfPairFrom(form.headers['set-cookie'], form.body)
    const cases = fc.sample(fuzzCases(routes, values, pair), { numRuns: CASES, seed })
    const outcomes: Outcome[] = []
    for (let i = 0; i < cases.length; i += AT_ONCE)
      outcomes.push(...(await Promise.all(cases.slice(i, i + AT_ONCE).map(send))))
    const failed = outcomes.filter((outcome) => typeof outcome.status !== 'number' || outcome.status >= 500)
    // A request that failed logs its error as it is answered; give the last ones a moment to be written.
    await sleep(50)
    const errors = log.errors().map((line) => `  ${line.msg}: ${line.err?.message ?? ''}`)
    const message =
      `${failed.length} of ${cases.length} cases failed, ${errors.length} error lines logged (LIFELINE_FUZZ_SEED=${seed}):\n` +
      `${summarise(failed)}\n${[...new Set(errors)].slice(0, 20).join('\n')}`
    assert.ok(failed.length === 0 && errors.length === 0, message)
  })

  it('still takes a good help report and lists the chronicle afterwards', async () => {
    const writer = agent(t.app, 'en')
    const form = await writer.get('/help/legal')
    assert.equal(form.statusCode, 200)
    const sent = await writer.post('/help/legal', {
      token: formToken(form.body),
      category: 'fine',
      details: 'A fine for a picket; the hearing is on Monday.',
    })
    assert.equal(sent.statusCode, 201)
    const list = await writer.get('/chronicle')
    assert.equal(list.statusCode, 200)
    assert.match(list.body, /A picket/)
  })

  it('answers hostile requests to the merge pages and forms, signed in as an editor, without a 5xx', async () => {
    // Staff routes need a member; the editor's session rides on every case, so the handlers are reached.
    const editor = await signIn(t.app, await createStaff(t.store.db, { roles: ['editor'] }))
    await editor.get('/staff/chronicle')
    const routes = t.app.lifelineRoutes.filter(
      (route) =>
        route.method !== 'HEAD' &&
        /^\/staff\/chronicle\/events\/:id\/(merge|unmerge|duplicates)$/.test(route.url),
    )
    assert.equal(routes.length, 4, 'the duplicates page, the merge page and form, and the undo')
    const csrfName = [...editor.cookies.keys()].find((name) => name.endsWith('lifeline_csrf'))!
    const pair = { name: csrfName, cookie: editor.cookies.get(csrfName)!, token: editor.csrf }
    const session = [...editor.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const cases = fc.sample(fuzzCases(routes, values, pair, session), { numRuns: CASES / 5, seed })
    const outcomes: Outcome[] = []
    for (let i = 0; i < cases.length; i += AT_ONCE)
      outcomes.push(...(await Promise.all(cases.slice(i, i + AT_ONCE).map(send))))
    const failed = outcomes.filter((outcome) => typeof outcome.status !== 'number' || outcome.status >= 500)
    await sleep(50)
    const errors = log.errors().map((line) => `  ${line.msg}: ${line.err?.message ?? ''}`)
    assert.ok(
      failed.length === 0 && errors.length === 0,
      `${failed.length} of ${cases.length} cases failed (LIFELINE_FUZZ_SEED=${seed}):\n${summarise(failed)}\n${[...new Set(errors)].slice(0, 20).join('\n')}`,
    )
    // The cases reached the handlers: some were answered as pages, not all refused at the door. (Last,
    // since a case might merge the picket the help report's check lists.)
    assert.ok(outcomes.some((outcome) => outcome.status === 200))
  })
})
