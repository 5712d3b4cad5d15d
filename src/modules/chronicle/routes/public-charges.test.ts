import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { agent } from '../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { ensureTerms, insertAct, insertCase, insertEvents, insertPerson } from '../testing/events.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.close())

test('charges with no person show as the case under each article and part, not as unnamed people', async () => {
  const db = t.store.db
  const terms = await ensureTerms(db)
  const [event] = await insertEvents(db, [
    {
      title: { en: 'Mass detentions at the anti-mobilisation protest' },
      type_id: terms.event_type.protest,
      start_date: '2022-09-21',
      start_precision: 'day',
      detained: 1000,
    },
  ])
  // As an import writes an article column: one case per kind, its articles with their parts, and an
  // act linking the event to it with no person.
  const administrative = await insertCase(db, {
    kind: 'administrative',
    articleIds: [terms.article['koap-20.2']!, terms.article['koap-20.3.3']!],
  })
  await db
    .updateTable('chronicle_case_articles')
    .set({ part: '5' })
    .where('case_id', '=', administrative)
    .where('article_id', '=', terms.article['koap-20.2']!)
    .execute()
  await insertAct(db, {
    event_id: event!,
    act_type_id: terms.act_type.administrative_charge!,
    case_id: administrative,
  })
  // A person the chronicle does know about keeps their line.
  const named = await insertPerson(db, {
    name_cyrillic: 'Петрова Анна',
    visibility: 'named',
    visibility_source: 'court',
  })
  await insertAct(db, { event_id: event!, act_type_id: terms.act_type.detention!, person_id: named })

  const page = await agent(t.app, 'en').get(`/chronicle/events/${event}`)
  assert.equal(page.statusCode, 200)
  assert.doesNotMatch(page.body, /a person not named/)
  assert.match(page.body, /Петрова Анна/)
  assert.match(
    page.body,
    new RegExp(`/chronicle/cases/${administrative}">[^<]*#${administrative}</a> \\(КоАП 20\\.2, part 5 — `),
  )
  assert.match(page.body, /КоАП 20\.3\.3 — /)
  const russian = await agent(t.app, 'ru').get(`/chronicle/events/${event}`)
  assert.match(russian.body, /КоАП 20\.2, ч\. 5 — /)
})
