import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'kysely'
import { type TestStore, testStore } from '../../../../../test/support/db.ts'
import { createStaff } from '../../../../../test/support/factories.ts'
import { translator } from '../../../../platform/i18n.ts'
import { summaryLines } from '../../present/import-summary.ts'
import { ensureImportTerms, importText } from '../../testing/import.ts'
import { mergeEvents } from '../merge-events.ts'
import { parseMapping } from './mapping.ts'

let store: TestStore
before(async () => {
  store = await testStore()
  await ensureImportTerms(store.db)
})
after(async () => store.close())

// A file with no id column: each row's id is derived from its content, so an edited row is "new".
const noIds = {
  name: 'no-ids',
  externalSource: 'no-ids-file',
  source: { description: 'Reports collected by hand' },
  publish: true,
  fields: {
    'title.ru': { column: 'title' },
    type: { constant: 'picket' },
    region: { constant: 'RU-SPE' },
    status: { constant: 'verified' },
    startDate: { column: 'date' },
    startPrecision: { constant: 'day' },
  },
}
const mapping = parseMapping(noIds)
const csv = (...rows: string[]) => `title,date\n${rows.join('\n')}\n`

const published = async () =>
  (
    await store.db
      .selectFrom('chronicle_events')
      .select('id')
      .where('external_source', '=', 'no-ids-file')
      .where('published_at', 'is not', null)
      .execute()
  ).length

test('an id-less file edited and imported again: the edited row is flagged at the dry run and written unpublished', async () => {
  const first = await importText(
    store.db,
    mapping,
    csv('Пикет у Гостиного двора против войны,2022-03-06', 'Задержание студентов у метро Купчино,2022-03-06'),
  )
  assert.equal(first.inserted, 2)
  assert.equal(first.duplicateCount, 0)
  assert.equal(await published(), 2)

  // One title is corrected; the other row is the same and only matches itself by its id.
  const edited = csv(
    'Одиночный пикет у Гостиного двора против войны,2022-03-06',
    'Задержание студентов у метро Купчино,2022-03-06',
  )
  const dry = await importText(store.db, mapping, edited, { dryRun: true })
  assert.equal(dry.duplicateCount, 1)
  const [warning] = dry.warnings.filter((issue) => issue.key === 'chronicle.import.warning.likelyDuplicate')
  assert.equal(warning!.row, 1, 'the first data row')
  const original = await store.db
    .selectFrom('chronicle_events')
    .select('id')
    .where(sql<boolean>`title->>'ru' = ${'Пикет у Гостиного двора против войны'}`)
    .executeTakeFirstOrThrow()
  assert.equal(warning!.value, String(original.id))
  const t = translator('en')
  assert.ok(
    summaryLines(t, dry).some((line) => /1 new event looks like one already in the chronicle/.test(line)),
  )

  const run = await importText(store.db, mapping, edited)
  assert.equal(run.inserted, 1)
  assert.equal(run.duplicateCount, 1)
  assert.equal(await published(), 2, 'the likely duplicate is not published')
  const flagged = await store.db
    .selectFrom('chronicle_events')
    .select(['published_at', 'status'])
    .where(sql<boolean>`title->>'ru' = ${'Одиночный пикет у Гостиного двора против войны'}`)
    .executeTakeFirstOrThrow()
  assert.equal(flagged.published_at, null)
})

test('a new event unlike any other is neither flagged nor held back', async () => {
  const report = await importText(store.db, mapping, csv('Акция у Исаакиевского собора,2022-04-10'))
  assert.equal(report.duplicateCount, 0)
  assert.equal(report.inserted, 1)
})

test('a row whose event was merged into another is not written again: the hidden event stays hidden', async () => {
  // The same file with an id column.
  const ids = parseMapping({
    ...noIds,
    name: 'with-ids',
    externalSource: 'with-ids-file',
    fields: { externalId: { column: 'id' }, ...noIds.fields },
  })
  const file = (title: string) =>
    `id,title,date\nA,Пикет на Невском против войны,2022-05-01\nB,${title},2022-05-01\n`
  await importText(store.db, ids, file('Пикет на Невском проспекте против войны'))
  const [a, b] = await store.db
    .selectFrom('chronicle_events')
    .select(['id', 'version'])
    .where('external_source', '=', 'with-ids-file')
    .orderBy('external_id')
    .execute()
  const editor = await createStaff(store.db, { roles: ['editor'] })
  await mergeEvents(store.db, {
    actorId: editor.id,
    survivorId: a!.id,
    mergedId: b!.id,
    survivorVersion: a!.version,
    mergedVersion: b!.version,
  })
  const before = await store.db
    .selectFrom('chronicle_events')
    .selectAll()
    .where('id', '=', b!.id)
    .executeTakeFirstOrThrow()

  // The file comes again with B edited: B is not brought back nor changed; the report says where it went.
  for (const dryRun of [true, false]) {
    const report = await importText(store.db, ids, file('Пикет на Невском исправлено'), { dryRun })
    assert.equal(report.errorCount, 0, JSON.stringify(report.errors))
    const [warning] = report.warnings.filter((issue) => issue.key === 'chronicle.import.warning.mergedInto')
    assert.deepEqual([warning?.row, warning?.value], [2, String(a!.id)])
  }
  const after = await store.db
    .selectFrom('chronicle_events')
    .selectAll()
    .where('id', '=', b!.id)
    .executeTakeFirstOrThrow()
  assert.deepEqual(after, before)
})
