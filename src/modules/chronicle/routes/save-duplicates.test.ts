import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Agent } from '../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { createStaff, signIn } from '../../../../test/support/factories.ts'
import { ensureTerms, eventFormFields, insertEvents } from '../testing/events.ts'

let t: TestApp
let editor: Agent
before(async () => {
  t = await testApp()
  editor = await signIn(t.app, await createStaff(t.store.db, { roles: ['editor'] }))
})
after(() => t.close())

test('saving an event in the staff form shows its likely duplicates with the reasons and the way to merge', async () => {
  const terms = await ensureTerms(t.store.db)
  const [known] = await insertEvents(t.store.db, [
    {
      title: { ru: 'Задержания на акции против мобилизации на Арбате' },
      type_id: terms.event_type.protest,
      region_id: terms.region['RU-MOW'],
      start_date: '2022-09-21',
      start_precision: 'day',
    },
  ])
  await editor.get('/staff/chronicle/events/new')
  const created = await editor.post(
    '/staff/chronicle/events',
    eventFormFields({
      title_ru: 'Задержания на акции против мобилизации на Арбате 21 сентября',
      start_date: '2022-09-21',
      region: 'RU-MOW',
      source_url: 'https://example.org/arbat',
      source_reliability: 'medium',
    }),
  )
  assert.equal(created.statusCode, 303)
  const location = String(created.headers.location)
  const id = Number(/events\/(\d+)\?done=created/.exec(location)![1])
  const page = await editor.get(location)
  assert.match(page.body, /Possibly the same event/)
  assert.match(page.body, /same day · same region · same type · title \d+% similar \(Russian\)/)
  assert.match(page.body, new RegExp(`/staff/chronicle/events/${id}/merge\\?from=${known}`))
})
