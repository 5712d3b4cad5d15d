import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Agent } from '../../../../test/support/agent.ts'
import { agent as visitor } from '../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { createStaff, signIn } from '../../../../test/support/factories.ts'
import { termIndex } from '../../../platform/vocabularies/queries.ts'
import { duplicatesOfEvent } from '../queries/duplicates.ts'
import { loadEvent } from '../queries/event-record.ts'
import { ensureTerms, insertAct, insertEvents, insertPerson, type TermIds } from '../testing/events.ts'

let t: TestApp
let terms: TermIds
let editor: Agent
let coordinator: Agent

before(async () => {
  t = await testApp()
  terms = await ensureTerms(t.store.db)
  editor = await signIn(t.app, await createStaff(t.store.db, { roles: ['editor'] }))
  coordinator = await signIn(t.app, await createStaff(t.store.db, { roles: ['coordinator'] }))
})
after(() => t.close())

// Two reports of one picket, a third event on the same day and place that is another one.
async function pair(day: string) {
  const db = t.store.db
  const [a, b, other] = await insertEvents(db, [
    {
      title: { ru: `Одиночный пикет у Гостиного двора ${day}` },
      type_id: terms.event_type.picket,
      region_id: terms.region['RU-SPE'],
      locality: 'Санкт-Петербург',
      start_date: day,
      start_precision: 'day',
      detained: 1,
    },
    {
      title: { ru: `Пикет у Гостиного двора ${day}`, en: 'A picket at Gostiny Dvor' },
      type_id: terms.event_type.picket,
      region_id: terms.region['RU-SPE'],
      start_date: day,
      start_precision: 'day',
      detained: 1,
    },
    {
      title: { ru: 'Обыск у журналистки в Купчино' },
      type_id: terms.event_type.picket,
      region_id: terms.region['RU-SPE'],
      start_date: day,
      start_precision: 'day',
    },
  ])
  await db
    .insertInto('chronicle_sources')
    .values([
      { event_id: a!, url: 'https://example.org/a', reliability: 'high' },
      { event_id: b!, url: 'https://example.org/b', reliability: 'medium' },
      { event_id: b!, url: 'https://EXAMPLE.org/a', reliability: 'high' },
    ])
    .execute()
  return { a: a!, b: b!, other: other! }
}

const version = async (id: number) => (await loadEvent(t.store.db, id))!.version

async function merge(survivor: number, merged: number, as = editor) {
  const page = await as.get(`/staff/chronicle/events/${survivor}/merge?from=${merged}`)
  assert.equal(page.statusCode, 200)
  return as.post(`/staff/chronicle/events/${survivor}/merge`, {
    from: String(merged),
    version: String(await version(survivor)),
    from_version: String(await version(merged)),
  })
}

describe('likely duplicates', () => {
  it('finds a near-duplicate with its reasons, and not a different event of the same day and place', async () => {
    const { a, b, other } = await pair('2022-03-06')
    const found = await duplicatesOfEvent(t.store.db, a)
    assert.deepEqual(
      found.map((candidate) => candidate.id),
      [b],
    )
    const [candidate] = found
    assert.equal(candidate!.reasons.date, 'sameDay')
    assert.equal(candidate!.reasons.place, 'region')
    assert.equal(candidate!.reasons.type, true)
    assert.equal(candidate!.reasons.text, 'title')
    assert.ok(candidate!.reasons.similarity >= 0.35)
    assert.deepEqual(await duplicatesOfEvent(t.store.db, other), [])
  })

  it('finds an event whose month overlaps a dated one, and none on another month', async () => {
    const [month, day, later] = await insertEvents(t.store.db, [
      {
        title: { en: 'Students detained at the university' },
        start_date: '2023-04-01',
        start_precision: 'month',
      },
      {
        title: { en: 'Students detained at the university gate' },
        start_date: '2023-04-17',
        start_precision: 'day',
      },
      {
        title: { en: 'Students detained at the university' },
        start_date: '2023-06-17',
        start_precision: 'day',
      },
    ])
    const found = await duplicatesOfEvent(t.store.db, month!)
    assert.deepEqual(
      found.map((candidate) => [candidate.id, candidate.reasons.date]),
      [[day, 'overlap']],
    )
    assert.ok(!(await duplicatesOfEvent(t.store.db, later!)).length)
  })

  it('takes two towns abroad in different countries for different places, and the same country for one', async () => {
    const index = await termIndex(t.store.db)
    const [germany, georgia] = [index.id('country', 'DE')!, index.id('country', 'GE')!]
    const event = (country_id: number, locality: string) => ({
      title: { en: 'Solidarity rally with Russian political prisoners' },
      type_id: terms.event_type.rally,
      country_id,
      locality,
      start_date: '2023-10-30',
      start_precision: 'day' as const,
    })
    const [berlin, tbilisi, munich] = await insertEvents(t.store.db, [
      event(germany, 'Berlin'),
      event(georgia, 'Tbilisi'),
      event(germany, 'Munich'),
    ])
    assert.deepEqual(
      (await duplicatesOfEvent(t.store.db, berlin!)).map((candidate) => candidate.id),
      [munich],
    )
    assert.deepEqual(await duplicatesOfEvent(t.store.db, tbilisi!), [])
  })

  it('shows them, translated, on the event page', async () => {
    const { a, b } = await pair('2022-03-07')
    const page = await editor.get(`/staff/chronicle/events/${a}`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /Possibly the same event/)
    assert.match(page.body, new RegExp(`/staff/chronicle/events/${a}/merge\\?from=${b}`))
    assert.match(page.body, /same day · same region · same type · title \d+% similar \(Russian\)/)
    const list = await coordinator.get(`/staff/chronicle/events/${a}/duplicates`)
    assert.equal(list.statusCode, 200)
    assert.match(list.body, /same day/)
    // Coordinators see the candidates, but merging is for reviewers.
    assert.doesNotMatch(list.body, /\/merge\?from=/)
  })
})

describe('merging', () => {
  it('combines sources, acts, persons and languages, redirects the merged id, and records it', async () => {
    const db = t.store.db
    const { a, b } = await pair('2022-03-08')
    const named = await insertPerson(db, {
      name_cyrillic: 'Иванова Мария',
      visibility: 'named',
      visibility_source: 'court',
    })
    const withheld = await insertPerson(db, { name_cyrillic: 'Скрытая Персона', visibility: 'withheld' })
    await insertAct(db, { event_id: a, act_type_id: terms.act_type.detention!, person_id: named })
    await insertAct(db, { event_id: b, act_type_id: terms.act_type.detention!, person_id: named })
    await insertAct(db, { event_id: b, act_type_id: terms.act_type.detention!, person_id: withheld })
    const before = await db
      .selectFrom('chronicle_rollup')
      .select((eb) => eb.fn.sum<number>('events').as('n'))
      .executeTakeFirst()

    const response = await merge(a, b)
    assert.equal(response.statusCode, 303)
    assert.equal(response.headers.location, `/staff/chronicle/events/${a}?done=merged`)

    const survivor = (await loadEvent(db, a))!
    assert.deepEqual(
      survivor.record.sources.map((source) => source.url),
      ['https://example.org/a', 'https://example.org/b'],
    )
    assert.equal(survivor.record.title_en, 'A picket at Gostiny Dvor')
    assert.ok(survivor.record.title_ru?.startsWith('Одиночный'))
    const acts = await db
      .selectFrom('chronicle_acts')
      .select(['event_id', 'person_id'])
      .where('event_id', 'in', [a, b])
      .orderBy('id')
      .execute()
    assert.deepEqual(
      acts.filter((act) => act.event_id === a).map((act) => Number(act.person_id)),
      [named, withheld],
    )
    const merged = await db
      .selectFrom('chronicle_events')
      .select(['merged_into', 'published_at'])
      .where('id', '=', b)
      .executeTakeFirstOrThrow()
    assert.equal(Number(merged.merged_into), a)
    assert.equal(merged.published_at, null)
    const after = await db
      .selectFrom('chronicle_rollup')
      .select((eb) => eb.fn.sum<number>('events').as('n'))
      .executeTakeFirst()
    assert.equal(Number(after!.n), Number(before!.n) - 1, 'statistics count the merged event once')

    const page = await visitor(t.app).get(`/chronicle/events/${b}`)
    assert.equal(page.statusCode, 301)
    assert.equal(page.headers.location, `/chronicle/events/${a}`)
    const api = await visitor(t.app).get(`/api/v1/events/${b}`)
    assert.equal(api.statusCode, 301)
    assert.equal(api.headers.location, `/api/v1/events/${a}`)

    // The withheld person moved with the act and stays out of every public output.
    const publicPage = await visitor(t.app).get(`/chronicle/events/${a}`)
    assert.match(publicPage.body, /Иванова Мария/)
    assert.doesNotMatch(publicPage.body, /Скрытая/)
    const detail = await visitor(t.app).get(`/api/v1/events/${a}`)
    assert.equal(detail.statusCode, 200)
    assert.doesNotMatch(detail.body, /Скрытая/)
    assert.match(detail.body, /Иванова Мария/)

    const history = await editor.get(`/staff/chronicle/events/${b}/history`)
    assert.match(history.body, /Merged into event no\./)
    assert.match((await editor.get(`/staff/chronicle/events/${a}/history`)).body, /Merged in event no\./)
    const audited = await db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', `event:${b}`)
      .execute()
    assert.ok(audited.some((row) => row.action === 'chronicle.event.merged'))
    assert.match((await editor.get(`/staff/chronicle/events/${b}`)).body, /Undo the merge/)
  })

  it('undo restores the merged event and exactly what moved', async () => {
    const db = t.store.db
    const { a, b } = await pair('2022-03-09')
    await insertAct(db, { event_id: b, act_type_id: terms.act_type.search! })
    const beforeA = (await loadEvent(db, a))!.record
    const beforeB = (await loadEvent(db, b))!.record
    const publishedAt = (
      await db
        .selectFrom('chronicle_events')
        .select('published_at')
        .where('id', '=', b)
        .executeTakeFirstOrThrow()
    ).published_at
    assert.equal((await merge(a, b)).statusCode, 303)

    const undo = await editor.post(`/staff/chronicle/events/${b}/unmerge`)
    assert.equal(undo.statusCode, 303)
    assert.equal(undo.headers.location, `/staff/chronicle/events/${b}?done=mergeUndone`)
    const afterA = (await loadEvent(db, a))!.record
    const afterB = (await loadEvent(db, b))!.record
    assert.deepEqual(
      { ...afterA, sources: afterA.sources.map((s) => s.id) },
      { ...beforeA, sources: beforeA.sources.map((s) => s.id) },
    )
    assert.deepEqual(
      { ...afterB, sources: afterB.sources.map((s) => s.id) },
      { ...beforeB, sources: beforeB.sources.map((s) => s.id) },
    )
    const row = await db
      .selectFrom('chronicle_events')
      .select(['merged_into', 'published_at'])
      .where('id', '=', b)
      .executeTakeFirstOrThrow()
    assert.equal(row.merged_into, null)
    assert.deepEqual(row.published_at, publishedAt)
    assert.equal(
      (await db.selectFrom('chronicle_acts').select('id').where('event_id', '=', b).execute()).length,
      1,
    )
    assert.equal((await visitor(t.app).get(`/chronicle/events/${b}`)).statusCode, 200)
    // Nothing left to undo.
    assert.equal((await editor.post(`/staff/chronicle/events/${b}/unmerge`)).statusCode, 409)
  })

  it('refuses an undo once either event changed since, and a merge from a stale page', async () => {
    const db = t.store.db
    const { a, b } = await pair('2022-03-10')
    const stale = await editor.post(`/staff/chronicle/events/${a}/merge`, {
      from: String(b),
      version: String((await version(a)) + 5),
      from_version: String(await version(b)),
    })
    assert.equal(stale.statusCode, 409)
    assert.equal((await merge(a, b)).statusCode, 303)
    await editor.get(`/staff/chronicle/events/${a}`)
    await editor.post(`/staff/chronicle/events/${a}/dispute`, { version: String(await version(a)) })
    assert.equal((await editor.post(`/staff/chronicle/events/${b}/unmerge`)).statusCode, 409)
    assert.match((await editor.get(`/staff/chronicle/events/${b}`)).body, /can no longer be undone/)
    // Neither event can be merged again while merged.
    const again = await editor.post(`/staff/chronicle/events/${b}/merge`, {
      from: String(a),
      version: String(await version(b)),
      from_version: String(await version(a)),
    })
    assert.equal(again.statusCode, 409)
    assert.equal(
      (await db.selectFrom('chronicle_merges').select('id').where('merged_id', '=', b).execute()).length,
      1,
    )
  })

  it('refuses bad input with a 4xx and changes nothing', async () => {
    const { a } = await pair('2022-03-11')
    const before = await version(a)
    const forms: Record<string, string | string[]>[] = [
      {},
      { from: String(a), version: '1', from_version: '1' },
      { from: '-1', version: '1', from_version: '1' },
      { from: '1e3', version: 'x', from_version: '1' },
      { from: '99999999999', version: '1', from_version: '1' },
      { from: ['1', '2'], version: '1', from_version: '1' },
    ]
    for (const form of forms) {
      const response = await editor.post(`/staff/chronicle/events/${a}/merge`, form)
      assert.ok(
        response.statusCode >= 400 && response.statusCode < 500,
        `${JSON.stringify(form)}: ${response.statusCode}`,
      )
    }
    for (const query of ['', '?from=', '?from=abc', '?from=0', `?from=${'9'.repeat(40)}`]) {
      const response = await editor.get(`/staff/chronicle/events/${a}/merge${query}`)
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${query}: ${response.statusCode}`)
    }
    assert.equal(await version(a), before)
    // Coordinators edit but don't merge: the route is not there for them.
    assert.equal((await coordinator.get(`/staff/chronicle/events/${a}/merge?from=1`)).statusCode, 404)
  })
})
