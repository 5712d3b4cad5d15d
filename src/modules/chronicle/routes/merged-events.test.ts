import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { Agent } from '../../../../test/support/agent.ts'
import { agent as visitor } from '../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { createStaff, signIn } from '../../../../test/support/factories.ts'
import { loadEvent } from '../queries/event-record.ts'
import { ensureTerms, insertEvents, type TermIds } from '../testing/events.ts'

let t: TestApp
let terms: TermIds
let editor: Agent

before(async () => {
  t = await testApp()
  terms = await ensureTerms(t.store.db)
  editor = await signIn(t.app, await createStaff(t.store.db, { roles: ['editor'] }))
})
after(() => t.close())

const version = async (id: number) => (await loadEvent(t.store.db, id))!.version

// Two reports of one event; the second keeps a source the first has, so it isn't left without one.
async function mergedPair(marker: string) {
  const db = t.store.db
  const [survivor, merged] = await insertEvents(db, [
    {
      title: { ru: `Задержания у памятника Лесе Украинке ${marker}` },
      type_id: terms.event_type.picket,
      region_id: terms.region['RU-MOW'],
      start_date: '2022-10-11',
      start_precision: 'day',
    },
    {
      title: {
        ru: `Задержания у памятника Лесе Украинке ${marker}`,
        en: `Flowers at Lesya Ukrainka ${marker}`,
      },
      type_id: terms.event_type.picket,
      region_id: terms.region['RU-MOW'],
      start_date: '2022-10-11',
      start_precision: 'day',
    },
  ])
  await db
    .insertInto('chronicle_sources')
    .values([
      { event_id: survivor!, url: `https://example.org/${marker}`, reliability: 'high' },
      { event_id: merged!, url: `https://example.org/${marker}`, reliability: 'high' },
    ])
    .execute()
  await editor.get(`/staff/chronicle/events/${survivor}/merge?from=${merged}`)
  const response = await editor.post(`/staff/chronicle/events/${survivor}/merge`, {
    from: String(merged),
    version: String(await version(survivor!)),
    from_version: String(await version(merged!)),
  })
  assert.equal(response.statusCode, 303)
  return { survivor: survivor!, merged: merged! }
}

describe('an event merged into another', () => {
  it('cannot be published, and says why in the reader’s language', async () => {
    const { merged } = await mergedPair('publish')
    const page = await editor.get(`/staff/chronicle/events/${merged}`)
    assert.match(page.body, /merged into another one and can(&#39;|')t be published/)
    assert.doesNotMatch(page.body, /\/publish"/)
    const response = await editor.post(`/staff/chronicle/events/${merged}/publish`, {
      version: String(await version(merged)),
    })
    assert.equal(response.statusCode, 409)
    assert.match(response.body, /merged into another one/)
    const row = await t.store.db
      .selectFrom('chronicle_events')
      .select('published_at')
      .where('id', '=', merged)
      .executeTakeFirstOrThrow()
    assert.equal(row.published_at, null)
  })

  it('is refused publication by the database itself', async () => {
    const { merged } = await mergedPair('check')
    await assert.rejects(
      sql`UPDATE chronicle_events SET published_at = now() WHERE id = ${merged}`.execute(t.store.db),
      /chronicle_events_merged_unpublished/,
    )
  })

  it('is in no public list, feed, export or API answer, and not in the staff list', async () => {
    const { survivor, merged } = await mergedPair('hidden')
    const anyone = visitor(t.app, 'en')
    for (const url of [
      '/chronicle',
      '/chronicle?q=Lesya',
      '/chronicle/feed.atom',
      '/chronicle/export.csv',
      '/chronicle/export.ndjson',
      '/api/v1/events',
      '/api/v1/events?q=Lesya',
    ]) {
      const response = await anyone.get(url)
      assert.equal(response.statusCode, 200, url)
      assert.ok(!response.body.includes(`/events/${merged}"`), `${url} links the merged event`)
      assert.ok(!new RegExp(`"id":\\s*${merged}\\b`).test(response.body), `${url} lists the merged event`)
    }
    const staffList = await editor.get('/staff/chronicle')
    assert.match(staffList.body, new RegExp(`/staff/chronicle/events/${survivor}"`))
    assert.doesNotMatch(staffList.body, new RegExp(`/staff/chronicle/events/${merged}"`))
    const byNumber = await editor.get(`/staff/chronicle?q=${merged}`)
    assert.doesNotMatch(byNumber.body, new RegExp(`/staff/chronicle/events/${merged}"`))
    // Its own address still leads to the survivor.
    const permalink = await anyone.get(`/chronicle/events/${merged}`)
    assert.equal(permalink.statusCode, 301)
    assert.equal(permalink.headers.location, `/chronicle/events/${survivor}`)
  })
})
