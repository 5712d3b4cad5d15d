import assert from 'node:assert/strict'
import { createReadStream, readFileSync, statSync } from 'node:fs'
import { after, before, test } from 'node:test'
import { sql } from 'kysely'
import { type TestStore, testStore } from '../../../../../test/support/db.ts'
import { ensureImportTerms } from '../../testing/import.ts'
import { parseMappingText } from './mapping.ts'
import { runImport } from './run.ts'

const file = new URL('../../../../../test/fixtures/ovdinfo-moscow-2011-2012.csv', import.meta.url)
const mapping = parseMappingText(
  readFileSync(new URL('../../data/ovdinfo-mapping.json', import.meta.url), 'utf8'),
)
let store: TestStore

before(async () => {
  store = await testStore()
  await ensureImportTerms(store.db)
})
after(async () => store.close())

const importFile = (options: { dryRun?: boolean } = {}) =>
  runImport(store.db, {
    mapping,
    streamFile: () => createReadStream(file),
    totalBytes: statSync(file).size,
    ...options,
  })

test('a dry run of the OVD-Info file finds 180 valid rows, no unknown terms, and writes nothing', async () => {
  const progress: number[] = []
  const report = await runImport(store.db, {
    mapping,
    streamFile: () => createReadStream(file),
    dryRun: true,
    onProgress: (step) => progress.push(step.rows),
  })
  assert.equal(report.rows, 180)
  assert.equal(report.valid, 180)
  assert.equal(report.errorCount, 0, JSON.stringify(report.errors.slice(0, 5)))
  assert.deepEqual(report.unknownTerms, [])
  assert.equal(report.written, false)
  assert.equal(progress.at(-1), 180)
  const { count } = await store.db
    .selectFrom('chronicle_events')
    .select(sql<number>`count(*)::int`.as('count'))
    .executeTakeFirstOrThrow()
  assert.equal(count, 0)
})

test('importing the OVD-Info file gives 180 events and 4,885 detained, with dates and every column kept', async () => {
  const report = await importFile()
  assert.equal(report.inserted, 180)
  assert.equal(report.written, true)
  const totals = await store.db
    .selectFrom('chronicle_events')
    .select([sql<number>`count(*)::int`.as('events'), sql<number>`sum(detained)::int`.as('detained')])
    .where('external_source', '=', 'ovdinfo-moscow-2011-2012')
    .executeTakeFirstOrThrow()
  assert.deepEqual(totals, { events: 180, detained: 4885 })

  const event = (id: string) =>
    store.db
      .selectFrom('chronicle_events as e')
      .leftJoin('vocab_terms as t', 't.id', 'e.type_id')
      .leftJoin('vocab_terms as r', 'r.id', 'e.region_id')
      .select([
        'e.title',
        'e.summary',
        'e.start_date',
        'e.start_precision',
        'e.authorised',
        'e.subject',
        'e.organisers',
        'e.locality',
        'e.detained',
        'e.status',
        'e.published_at',
        'e.import_raw',
        't.code as type',
        'r.code as region',
      ])
      .where('e.external_source', '=', 'ovdinfo-moscow-2011-2012')
      .where('e.external_id', '=', id)
      .executeTakeFirstOrThrow()

  // Row 1: 04.12.2011,не согласовано,митинг,За честные выборы,Оркгомитет 23 августа,,"триумальная, площадь революции",198,1
  const first = await event('1')
  assert.equal(first.start_date, '2011-12-04')
  assert.equal(first.start_precision, 'day')
  assert.equal(first.authorised, false)
  assert.equal(first.type, 'rally')
  assert.equal(first.region, 'RU-MOW')
  assert.equal(first.subject, 'За честные выборы')
  assert.equal(first.organisers, 'Оркгомитет 23 августа')
  assert.equal(first.locality, 'триумальная, площадь революции')
  assert.equal(first.detained, 198)
  assert.deepEqual(first.title, { ru: 'митинг: За честные выборы' })
  assert.equal(first.status, 'verified')
  assert.ok(first.published_at)
  assert.deepEqual(first.import_raw, {
    date: '04.12.2011',
    agreement: 'не согласовано',
    type: 'митинг',
    subject: 'За честные выборы',
    organizator: 'Оркгомитет 23 августа',
    comment: '',
    place: 'триумальная, площадь революции',
    total: '198',
    id: '1',
  })
  // Row 2 is authorised.
  const second = await event('2')
  assert.equal(second.start_date, '2011-12-05')
  assert.equal(second.authorised, true)

  // Every row against the file itself: date, detained, comment, place, organiser.
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1)
  const byId = new Map(
    (
      await store.db
        .selectFrom('chronicle_events')
        .select(['external_id', 'start_date', 'detained', 'summary', 'import_raw'])
        .where('external_source', '=', 'ovdinfo-moscow-2011-2012')
        .execute()
    ).map((row) => [row.external_id, row]),
  )
  for (const line of lines.filter((text) => !text.includes('"'))) {
    const [date, , , , , comment, , total, id] = line.split(',')
    const row = byId.get(id ?? '')
    assert.ok(row, `event ${id}`)
    const [day, month, year] = (date ?? '').split('.')
    assert.equal(row.start_date, `${year}-${month}-${day}`, `date of ${id}`)
    assert.equal(row.detained, Number(total), `detained of ${id}`)
    assert.equal(row.summary.ru, comment?.trim() || undefined, `comment of ${id}`)
  }

  // Every event has its source.
  const unsourced = await store.db
    .selectFrom('chronicle_events as e')
    .select(sql<number>`count(*)::int`.as('count'))
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('chronicle_sources as s').whereRef('s.event_id', '=', 'e.id'))),
    )
    .executeTakeFirstOrThrow()
  assert.equal(unsourced.count, 0)

  // The published totals reach the statistics rollup.
  const rollup = await store.db
    .selectFrom('chronicle_rollup')
    .select([sql<number>`sum(events)::int`.as('events'), sql<number>`sum(detained)::int`.as('detained')])
    .executeTakeFirstOrThrow()
  assert.deepEqual(rollup, { events: 180, detained: 4885 })
})

test('importing the file again leaves 180 events, unchanged, with one source each', async () => {
  const report = await importFile()
  assert.deepEqual([report.inserted, report.updated, report.unchanged], [0, 0, 180])
  const counts = await store.db
    .selectFrom('chronicle_events')
    .select([
      sql<number>`count(*)::int`.as('events'),
      sql<number>`sum(detained)::int`.as('detained'),
      sql<number>`(SELECT count(*)::int FROM chronicle_sources)`.as('sources'),
      sql<number>`(SELECT sum(detained)::int FROM chronicle_rollup)`.as('rollup'),
    ])
    .executeTakeFirstOrThrow()
  assert.deepEqual(counts, { events: 180, detained: 4885, sources: 180, rollup: 4885 })
})
