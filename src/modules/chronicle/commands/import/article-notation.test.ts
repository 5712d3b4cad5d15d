import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type TestStore, testStore } from '../../../../../test/support/db.ts'
import { ensureImportTerms, importText } from '../../testing/import.ts'
import { parseArticleNotation } from './article-notation.ts'
import { parseMapping } from './mapping.ts'

test('articles are read as reports write them, part and paragraph included', () => {
  assert.deepEqual(parseArticleNotation('УК 318 ч.1'), {
    act: 'УК',
    number: '318',
    part: '1',
    paragraph: null,
  })
  assert.deepEqual(parseArticleNotation('ст. 20.2 ч. 5 КоАП РФ'), {
    act: 'КоАП',
    number: '20.2',
    part: '5',
    paragraph: null,
  })
  assert.deepEqual(parseArticleNotation('318 ч. 2 п. «а» УК'), {
    act: 'УК',
    number: '318',
    part: '2',
    paragraph: 'а',
  })
  assert.equal(parseArticleNotation('УК 318 и 319'), null)
  assert.equal(parseArticleNotation('318'), null)
})

let store: TestStore
before(async () => {
  store = await testStore()
  await ensureImportTerms(store.db)
})
after(async () => store.close())

test('a part with its own term maps to it; another part is kept beside its article; no person is invented', async () => {
  const mapping = parseMapping({
    name: 'parts',
    externalSource: 'parts-file',
    source: { description: 'News' },
    fields: {
      externalId: { column: 'id' },
      'title.ru': { column: 'title' },
      type: { constant: 'rally' },
      detained: { column: 'detained' },
      articles: { column: 'articles', separator: ';' },
    },
  })
  const report = await importText(
    store.db,
    mapping,
    'id,title,detained,articles\n1,Митинг,1000+,УК 318 ч.1; КоАП 20.2 ч.5; uk-319\n',
  )
  assert.deepEqual(report.errors, [])
  const linked = await store.db
    .selectFrom('chronicle_events as e')
    .innerJoin('chronicle_acts as a', 'a.event_id', 'e.id')
    .innerJoin('chronicle_case_articles as ca', 'ca.case_id', 'a.case_id')
    .innerJoin('vocab_terms as v', 'v.id', 'ca.article_id')
    .select(['v.code', 'ca.part', 'ca.paragraph', 'a.person_id'])
    .where('e.external_source', '=', 'parts-file')
    .orderBy('v.code')
    .execute()
  assert.deepEqual(linked, [
    { code: 'koap-20.2.5', part: null, paragraph: null, person_id: null },
    { code: 'uk-318', part: '1', paragraph: null, person_id: null },
    { code: 'uk-319', part: null, paragraph: null, person_id: null },
  ])
  const persons = await store.db.selectFrom('chronicle_persons').select('id').execute()
  assert.equal(persons.length, 0)
})
