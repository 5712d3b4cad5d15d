import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import * as migration from '../../../migrations/20261209-140000-chronicle-articles-extremism-military.ts'
import { agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { ensureTerms, insertAct, insertCase, insertEvents } from './testing/events.ts'

const added = (
  JSON.parse(
    readFileSync(
      new URL('../../../migrations/data/chronicle-articles-2026-12.json', import.meta.url),
      'utf8',
    ),
  ) as { article: { code: string }[] }
).article.map((term) => term.code)

let t: TestApp
let eventId: number
const db = () => t.store.db
const asMigrated = () => db() as unknown as Kysely<unknown>

before(async () => {
  t = await testApp()
  const terms = await ensureTerms(db())
  const article = await db()
    .selectFrom('vocab_terms')
    .select('id')
    .where('vocabulary', '=', 'article')
    .where('code', '=', 'koap-21.5')
    .executeTakeFirstOrThrow()
  ;[eventId] = (await insertEvents(db(), [
    { title: { en: 'A fine for not registering' }, start_date: '2025-04-02', start_precision: 'day' },
    { title: { en: 'A picket elsewhere' }, start_date: '2025-04-03', start_precision: 'day' },
  ])) as [number]
  const caseId = await insertCase(db(), { kind: 'administrative', articleIds: [article.id] })
  await insertAct(db(), { event_id: eventId, act_type_id: terms.act_type.fine!, case_id: caseId })
})
after(() => t.close())

const articles = () =>
  db()
    .selectFrom('vocab_terms')
    .select(['code', 'labels', 'extra', 'status'])
    .where('vocabulary', '=', 'article')
    .orderBy('code')
    .execute()

describe('the articles added in December 2026', () => {
  it('are there, approved, labelled in the seed’s style in all three languages', async () => {
    const all = await articles()
    const codes = all.map((row) => row.code)
    for (const code of ['koap-20.3', 'koap-20.29', 'koap-21.5', 'koap-13.53', 'uk-282.2', 'uk-282.3'])
      assert.ok(codes.includes(code), code)
    // Every article, seeded first or added here, ends with the article it names, the same way.
    for (const row of all) {
      const { number, part } = row.extra as { number: string; part?: string }
      const cited = `${part ? `ч. ${part} ` : ''}ст. ${number}`
      const criminal = row.code.startsWith('uk-')
      assert.ok(row.labels.ru?.endsWith(`(${cited} ${criminal ? 'УК' : 'КоАП'})`), row.labels.ru)
      assert.ok(row.labels.uk?.endsWith(`(${cited} ${criminal ? 'КК РФ' : 'КоАП РФ'})`), row.labels.uk)
      const en = `(Art. ${number}${part ? ` Part ${part}` : ''} of the ${criminal ? 'Criminal' : 'Administrative'} Code)`
      assert.ok(row.labels.en?.endsWith(en), row.labels.en)
      if (added.includes(row.code)) assert.equal(row.status, 'approved')
    }
    const military = all.find((row) => row.code === 'koap-21.5')!
    assert.equal(military.labels.ru, 'Неисполнение обязанностей по воинскому учёту (ст. 21.5 КоАП)')
  })

  it('are added once however often the migration runs, and leave a term made by hand as it was', async () => {
    const before = await articles()
    await migration.up(asMigrated())
    assert.deepEqual(await articles(), before)
    // Made by hand with other words before the migration ran: the migration keeps the hand-made one.
    await db().deleteFrom('vocab_terms').where('code', '=', 'uk-282.3').execute()
    await db()
      .insertInto('vocab_terms')
      .values({
        vocabulary: 'article',
        code: 'uk-282.3',
        labels: JSON.stringify({ ru: 'Своими словами (ст. 282.3 УК)' }),
        extra: JSON.stringify({ code: 'УК', number: '282.3' }),
      })
      .execute()
    await migration.up(asMigrated())
    const after = await articles()
    assert.equal(after.find((row) => row.code === 'uk-282.3')?.labels.ru, 'Своими словами (ст. 282.3 УК)')
    for (const code of added)
      assert.ok(
        after.some((row) => row.code === code),
        code,
      )
    // Going down leaves it too, and refuses while an event still names one of the articles.
    await assert.rejects(migration.down(asMigrated()))
    assert.ok((await articles()).some((row) => row.code === 'koap-21.5'))
  })

  it('filter the chronicle and the API, and are offered by their names', async () => {
    const visitor = agent(t.app, 'ru')
    const list = await visitor.get('/chronicle?article=koap-21.5')
    assert.equal(list.statusCode, 200)
    assert.match(list.body, /A fine for not registering/)
    assert.doesNotMatch(list.body, /A picket elsewhere/)
    assert.match(list.body, /Неисполнение обязанностей по воинскому учёту/)
    const api = await visitor.get('/api/v1/events?article=koap-21.5')
    assert.deepEqual(
      (api.json() as { data: { id: number }[] }).data.map((event) => event.id),
      [eventId],
    )
    const none = await visitor.get('/api/v1/events?article=uk-282.3')
    assert.deepEqual((none.json() as { data: unknown[] }).data, [])
    const vocabulary = await agent(t.app, 'en').get('/api/v1/vocabularies/article')
    const terms = (vocabulary.json() as { terms: { code: string }[] }).terms.map((term) => term.code)
    for (const code of added) assert.ok(terms.includes(code), code)
  })
})
