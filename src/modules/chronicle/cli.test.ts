import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { invalidateTermIndex } from '../../platform/vocabularies/queries.ts'
import { decideTerms, proposedLines, vocabularyLines, vocabularyNamed } from './cli.ts'

let store: TestStore
before(async () => {
  store = await testStore()
})
after(async () => store.close())

test('vocabulary names are taken as people type them', () => {
  assert.equal(vocabularyNamed('regions'), 'region')
  assert.equal(vocabularyNamed('event-types'), 'event_type')
  assert.equal(vocabularyNamed('article'), 'article')
  assert.equal(vocabularyNamed('nonsense'), null)
})

test('a vocabulary prints its codes with names in every language', async () => {
  const regions = await vocabularyLines(store.db, 'region')
  assert.ok(
    regions.includes(
      'RU-KC\tКарачаево-Черкесская Республика\tКарачаєво-Черкеська Республіка\tKarachay-Cherkessia',
    ),
  )
  const articles = await vocabularyLines(store.db, 'article')
  assert.ok(articles.some((line) => line.startsWith('uk-318\t')))
})

test('proposed terms are listed, approved and rejected from the command line, once', async () => {
  const [first, second] = await store.db
    .insertInto('vocab_terms')
    .values(
      ['flashmob', 'die_in'].map((code) => ({
        vocabulary: 'event_type' as const,
        code,
        labels: JSON.stringify({ ru: code, en: code, uk: code }),
        status: 'proposed' as const,
      })),
    )
    .returning('id')
    .execute()
  invalidateTermIndex(store.db)
  const listed = await proposedLines(store.db)
  assert.deepEqual(
    listed.map((line) => line.split('\t').slice(0, 3)),
    [
      [String(first?.id), 'event_type', 'flashmob'],
      [String(second?.id), 'event_type', 'die_in'],
    ],
  )
  assert.deepEqual(await decideTerms(store.db, [first?.id ?? 0], 'approve'), [
    `${first?.id}\tevent_type\tflashmob\tapproved`,
  ])
  assert.deepEqual(await decideTerms(store.db, [second?.id ?? 0, first?.id ?? 0, 999_999], 'reject'), [
    `${second?.id}\tevent_type\tdie_in\trejected`,
    `${first?.id}\talready decided`,
    '999999\tno such proposed term',
  ])
  assert.deepEqual(await proposedLines(store.db), [])
  assert.ok((await vocabularyLines(store.db, 'event_type')).some((line) => line.startsWith('flashmob\t')))
  const audit = await store.db
    .selectFrom('audit_log')
    .select(['action', 'actor_id'])
    .where('target', '=', String(first?.id))
    .execute()
  assert.deepEqual(audit, [{ action: 'vocabulary.term_approved', actor_id: null }])
})
