import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { type Agent, agent } from '../../../test/support/agent.ts'
import { freshGet, type TestApp } from '../../../test/support/app.ts'
import { signIn } from '../../../test/support/factories.ts'
import { isCoarse } from '../../platform/coarse-time.ts'
import { convertFormValues } from './testing/convert-form.ts'
import { appWithDesk } from './testing/desk-setup.ts'
import { formToken, sendDetained, shownReceipt } from './testing/forms.ts'

let t: TestApp
let desk: Agent
const place = 'Zaryadye-park-7f3c'
const who = 'Kuznetsova-Olga-9b21'
let receipt = ''
let reportId = ''
let eventId = 0
const writer = () => agent(t.app, 'en')

before(async () => {
  const made = await appWithDesk(['lawyer'], 'moscow-desk')
  t = made.t
  desk = await signIn(t.app, made.members[0])
  const sent = await sendDetained(writer(), {
    who,
    place,
    people: '3',
    details: `Taken from ${place}`,
    publishFacts: 'yes',
    publishNames: 'yes',
    consentBy: 'self',
  })
  assert.equal(sent.statusCode, 201)
  receipt = shownReceipt(sent.body)
  reportId = (await t.store.db.selectFrom('helpdesk_reports').select('id').executeTakeFirstOrThrow()).id
  // Converted with the day shown (the writer consented), verified and published by the editors.
  const page = await desk.get(`/staff/helpdesk/reports/${reportId}/convert`)
  const { sensitive: _, ...values } = convertFormValues(page.body)
  const converted = await desk.post(`/staff/helpdesk/reports/${reportId}/convert`, values)
  assert.equal(converted.statusCode, 303)
  const report = await t.store.db
    .selectFrom('helpdesk_reports')
    .select('chronicle_event_id')
    .where('id', '=', reportId)
    .executeTakeFirstOrThrow()
  eventId = report.chronicle_event_id!
  await t.store.db
    .updateTable('chronicle_events')
    .set({ status: 'verified', published_at: sql<Date>`now()` })
    .where('id', '=', eventId)
    .execute()
})
after(() => t.close())

// A different address for each request, so rate limits never cut the walk short.
const get = freshGet(() => t)

// Every public output of the chronicle and the API without parameters (pages, API, feed, exports,
// statistics, and what is added later), and the event's own permalinks.
function outputs(): string[] {
  const routes = t.app.lifelineRoutes.filter(
    (route) =>
      route.policy === 'public' &&
      route.method === 'GET' &&
      /^\/(chronicle|api)\b/.test(route.url) &&
      !/[:*]/.test(route.url),
  )
  return [...routes.map((route) => route.url), `/chronicle/events/${eventId}`, `/api/v1/events/${eventId}`]
}

// What in a public output would show the event: its words, its place, the name, or a link to it.
const shows = (body: string) =>
  [place, who, `/chronicle/events/${eventId}"`, `"id":${eventId},`].filter((mark) => body.includes(mark))

// Anything in the chronicle that would tell its reader the event came from the help desk.
const pointsBack = () =>
  new RegExp(`lifeline|help ?desk|helpdesk|moscow-desk|${reportId}|${receipt.replaceAll('-', '-?')}`, 'i')

// Every timestamp in the database, as "table.column=epoch ms".
async function allTimestamps(): Promise<Set<string>> {
  const columns = await sql<{ table: string; column: string }>`
    SELECT c.table_name AS table, c.column_name AS column FROM information_schema.columns c
    JOIN information_schema.tables t USING (table_schema, table_name)
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      AND c.data_type IN ('timestamp with time zone', 'timestamp without time zone')`.execute(t.store.db)
  const values = new Set<string>()
  for (const { table, column } of columns.rows) {
    const rows = await sql<{ ms: string }>`
      SELECT (extract(epoch FROM ${sql.ref(column)}) * 1000)::bigint::text AS ms
      FROM ${sql.table(table)} WHERE ${sql.ref(column)} IS NOT NULL`.execute(t.store.db)
    for (const row of rows.rows) values.add(`${table}.${column}=${row.ms}`)
  }
  return values
}

describe('consent withdrawn after the event was published', () => {
  it('is public before: the event page, list, API and feed show it', async () => {
    assert.equal((await get(`/chronicle/events/${eventId}`)).status, 200)
    for (const url of [
      '/chronicle',
      '/api/v1/events',
      '/chronicle/feed.atom',
      `/chronicle/events/${eventId}`,
    ])
      assert.notDeepEqual(shows((await get(url)).body), [], url)
  })

  let timesBefore = new Set<string>()
  it('takes the event out of every public output and marks it sensitive', async () => {
    timesBefore = await allTimestamps()
    const someone = writer()
    await someone.post('/help/report', { receipt })
    const step = await someone.post('/help/report/withdraw', { receipt })
    const done = await someone.post('/help/report/withdraw', {
      receipt,
      token: formToken(step.body),
      confirm: 'yes',
    })
    assert.equal(done.statusCode, 200)
    assert.equal((await get(`/chronicle/events/${eventId}`)).status, 404)
    assert.equal((await get(`/api/v1/events/${eventId}`)).status, 404)
    const found: string[] = []
    for (const url of outputs()) {
      const shown = shows((await get(url)).body)
      if (shown.length) found.push(`${url}: ${shown.join(', ')}`)
    }
    assert.deepEqual(found, [])
    const event = await t.store.db
      .selectFrom('chronicle_events')
      .select(['published_at', 'sensitive'])
      .where('id', '=', eventId)
      .executeTakeFirstOrThrow()
    assert.deepEqual(event, { published_at: null, sensitive: true })
  })

  it('leaves nothing in the chronicle that points back to the help desk, and no exact time', async () => {
    const history = await t.store.db
      .selectFrom('chronicle_history')
      .selectAll()
      .where('entity_id', '=', eventId)
      .orderBy('version', 'desc')
      .execute()
    assert.equal(history[0]!.changed_by, null, 'the system unpublished it, no one by name')
    assert.deepEqual(history[0]!.changes, {
      published: { from: true, to: false },
      sensitive: { from: false, to: true },
    })
    const chronicle = await Promise.all([
      t.store.db.selectFrom('chronicle_events').selectAll().where('id', '=', eventId).execute(),
      t.store.db.selectFrom('chronicle_sources').selectAll().where('event_id', '=', eventId).execute(),
    ])
    assert.doesNotMatch(JSON.stringify([chronicle, history]), pointsBack())
    const unpublished = await t.store.db
      .selectFrom('audit_log')
      .select(['actor_id', 'detail'])
      .where('action', '=', 'chronicle.event.unpublished')
      .where('target', '=', `event:${eventId}`)
      .execute()
    assert.equal(unpublished.length, 1)
    assert.equal(unpublished[0]!.actor_id, null)
    assert.doesNotMatch(JSON.stringify(unpublished), pointsBack())
    // When the writer acted is kept only to its ten-minute window, in every row it touched.
    const added = [...(await allTimestamps())].filter((value) => !timesBefore.has(value))
    assert.ok(added.length, 'the walk sees the new rows')
    const exact = added.filter((value) => !isCoarse(new Date(Number(value.split('=')[1]))))
    assert.deepEqual(exact, [])
  })

  it('tells the desk on the conversion page, and a second withdrawal changes nothing', async () => {
    const page = await desk.get(`/staff/helpdesk/reports/${reportId}/convert`)
    assert.match(page.body, /taken out of public view and marked sensitive/)
    const versions = await t.store.db
      .selectFrom('chronicle_events')
      .select('version')
      .where('id', '=', eventId)
      .executeTakeFirstOrThrow()
    const someone = writer()
    await someone.post('/help/report', { receipt })
    const again = await someone.post('/help/report/withdraw', { receipt })
    assert.match(again.body, /had already been withdrawn/)
    const after = await t.store.db
      .selectFrom('chronicle_events')
      .select('version')
      .where('id', '=', eventId)
      .executeTakeFirstOrThrow()
    assert.equal(after.version, versions.version)
  })
})
