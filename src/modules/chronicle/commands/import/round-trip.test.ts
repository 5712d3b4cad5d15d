import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { after, before, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { type TestStore, testStore } from '../../../../../test/support/db.ts'
import type { Db } from '../../../../platform/db/database.ts'
import { generateDemo } from '../../demo/generate.ts'
import { csvColumns } from '../../present/export-formats.ts'
import { resolveFilter } from '../../queries/filters.ts'
import { exportChunks } from '../export/stream.ts'
import { parseMappingText } from './mapping.ts'
import { runImport } from './run.ts'

const mapping = parseMappingText(
  readFileSync(new URL('../../data/lifeline-export-mapping.json', import.meta.url), 'utf8'),
)
const EVENTS = 10_000

// The columns that cannot be equal, each because it belongs to the store, not to the event:
const storeColumns = new Set([
  // Each store numbers its own events. B keeps A's id as the event's external id, and rows are
  // matched by it below, so A's ids are checked all the same.
  'id',
  // The permalink: the public address plus the store's own id.
  'url',
  // When this chronicle published the event: B publishes it at import. Carrying A's time over would
  // claim B published it earlier than it did (and reorder B's feed of newly published events).
  'published_at',
  // When this store last wrote the event.
  'updated_at',
  // Acts name persons and cases by this store's ids; export-round-trip.test.ts compares them with
  // the keys matched up instead.
  'acts_json',
])
const compared = csvColumns.filter((column) => !storeColumns.has(column))

type Row = Record<(typeof csvColumns)[number], string>

let a: TestStore
let b: TestStore
before(async () => {
  ;[a, b] = await Promise.all([testStore(), testStore()])
})
after(async () => Promise.all([a?.close(), b?.close()]))

async function exportCsv(db: Db): Promise<string> {
  const filter = await resolveFilter(db, {})
  const parts: string[] = []
  for await (const chunk of exportChunks(db, filter, 'csv', { publicUrl: 'https://lifeline.example' }))
    parts.push(chunk)
  return parts.join('')
}

const rowsOf = (csv: string): Row[] => parse(csv, { columns: true }) as Row[]

const importCsv = (db: Db, csv: string) =>
  runImport(db, {
    mapping,
    streamFile: () => Readable.from([Buffer.from(csv)]),
    totalBytes: Buffer.byteLength(csv),
  })

/** A demo chronicle of `EVENTS` events, all public, with what the demo itself never writes on a few. */
async function demoChronicle(db: Db) {
  await generateDemo(db, { events: EVENTS, seed: 3 })
  // The demo leaves about one event in ten reported and unpublished, and an export holds only
  // published events: verify and publish those too, so all of them go out.
  await sql`UPDATE chronicle_events SET status = 'verified', published_at = now() WHERE published_at IS NULL`.execute(
    db,
  )
  const pick = (where: string, count: number) =>
    sql.raw(`(SELECT id FROM chronicle_events WHERE ${where} ORDER BY id LIMIT ${count})`)
  // Titles and summaries in every language, with quotes, commas, line breaks and formula-like starts.
  await sql`UPDATE chronicle_events SET
      title = jsonb_build_object('ru', title->>'ru', 'en', '"No to war", a picket', 'uk', 'Пікет «Ні війні», 2'),
      summary = jsonb_build_object('ru', summary->>'ru', 'en', E'=HYPERLINK("http://x")\nsecond line', 'uk', '-5 градусів'),
      subject = '+7 лозунгов', organisers = E'@группа, "Весна"\nи другие'
    WHERE id IN ${pick('NOT sensitive', 5)}`.execute(db)
  // End dates, exact and blurred alike.
  await sql`UPDATE chronicle_events SET end_date = start_date + 3, end_precision = 'day'
    WHERE id IN ${pick("start_precision = 'day' AND sensitive", 3)}
       OR id IN ${pick("start_precision = 'day' AND NOT sensitive", 20)}`.execute(db)
  await sql`UPDATE chronicle_events SET end_date = date_trunc('month', start_date + 62)::date, end_precision = 'month'
    WHERE id IN ${pick("start_precision = 'month'", 5)}`.execute(db)
  // The coordinate precisions the demo does not use.
  await sql`UPDATE chronicle_events SET coord_precision = 'exact' WHERE id IN ${pick('latitude IS NOT NULL AND NOT sensitive', 7)}`.execute(
    db,
  )
  await sql`UPDATE chronicle_events SET coord_precision = 'region', longitude = -longitude
    WHERE id IN ${pick("latitude IS NOT NULL AND NOT sensitive AND coord_precision = 'street'", 3)}`.execute(
    db,
  )
  // A third source, described without a link.
  const twoSources = '(SELECT count(*) FROM chronicle_sources s WHERE s.event_id = chronicle_events.id) = 2'
  await sql`INSERT INTO chronicle_sources (event_id, description, reliability)
    SELECT id, 'Рассказ задержанной, записан 2 марта', 'medium' FROM chronicle_events WHERE id IN ${pick(twoSources, 12)}`.execute(
    db,
  )
}

/** How many sources, sources with a link, and event–article links a store holds. */
async function linkCounts(db: Db) {
  const { rows } = await sql`SELECT
      (SELECT count(*)::int FROM chronicle_sources) AS sources,
      (SELECT count(*)::int FROM chronicle_sources WHERE url IS NOT NULL) AS links,
      (SELECT count(*)::int FROM (SELECT DISTINCT a.event_id, ca.article_id
        FROM chronicle_acts a JOIN chronicle_case_articles ca USING (case_id)) pairs) AS articles`.execute(db)
  return rows[0]
}

/** Each event's stored texts by the id of the event in A (its own id in A, its external id in B). */
async function storedTexts(db: Db, source: string) {
  const rows = await db
    .selectFrom('chronicle_events')
    .select(['id', 'external_id', 'title', 'summary', 'subject', 'organisers', 'locality'])
    .where('external_source', '=', source)
    .execute()
  return new Map(
    rows.map(({ id, external_id, ...texts }) => [
      source === 'demo' ? String(id) : (external_id ?? ''),
      texts,
    ]),
  )
}

test('export → import → export of a 10,000-event demo chronicle loses nothing', async () => {
  await demoChronicle(a.db)
  const csvA = await exportCsv(a.db)
  const rowsA = rowsOf(csvA)
  assert.equal(rowsA.length, EVENTS)

  // What this round trip must carry is really in the file, so it could fail for losing it.
  const count = (test: (row: Row) => boolean) => rowsA.filter(test).length
  assert.ok(count((row) => row.sources.split(' | ').length >= 2) > 1000, 'events with several sources')
  assert.ok(count((row) => row.sources.split(' | ').length >= 3) >= 12, 'events with three sources')
  assert.ok(count((row) => /\| [^h]/.test(row.sources)) >= 12, 'sources described without a link')
  assert.ok(count((row) => row.articles !== '') > 1000, 'events with articles')
  assert.ok(count((row) => row.articles.includes(' | ')) > 0, 'events with several articles')
  assert.ok(count((row) => row.blurred === 'true') > 100, 'sensitive events')
  assert.ok(count((row) => row.status === 'disputed') > 100, 'disputed events')
  assert.ok(count((row) => row.end_date !== '') >= 25, 'end dates')
  assert.ok(count((row) => row.title_en !== '' && row.summary_uk !== '') >= 5, 'other languages')
  assert.ok(count((row) => row.coord_precision === 'exact') >= 7, 'exact coordinates')
  assert.ok(count((row) => row.start_precision === 'unknown') > 0, 'undated events')
  assert.ok(count((row) => row.authorised === 'false') > 0 && count((row) => row.authorised === '') > 0)
  assert.ok(csvA.includes(`"'=HYPERLINK`) && csvA.includes(",'-5 "), 'formulas guarded by the export')

  const report = await importCsv(b.db, csvA)
  assert.equal(report.errorCount, 0, JSON.stringify(report.errors.slice(0, 5)))
  assert.deepEqual(report.unknownTerms, [])
  assert.equal(report.written, true)
  assert.deepEqual([report.rows, report.inserted], [EVENTS, EVENTS])
  // A large import refreshes the planner's statistics (the embedded database has no autovacuum).
  const { rows: analysed } = await sql<{ n: number }>`
    SELECT reltuples::int AS n FROM pg_class WHERE relname = 'chronicle_events'`.execute(b.db)
  assert.equal(analysed[0]?.n, EVENTS)

  const csvB = await exportCsv(b.db)
  assert.equal(csvB.slice(0, csvB.indexOf('\r\n')), csvA.slice(0, csvA.indexOf('\r\n')), 'the same header')
  const rowsB = rowsOf(csvB)
  assert.equal(rowsB.length, EVENTS)

  const externalIds = new Map(
    (
      await b.db
        .selectFrom('chronicle_events')
        .select(['id', 'external_id'])
        .where('external_source', '=', 'lifeline-export')
        .execute()
    ).map((row) => [String(row.id), row.external_id]),
  )
  const byIdA = new Map(rowsA.map((row) => [row.id, row]))
  const differences: string[] = []
  const matched = new Set<string>()
  for (const rowB of rowsB) {
    const idA = externalIds.get(rowB.id) ?? ''
    const rowA = byIdA.get(idA)
    if (!rowA) {
      differences.push(`B's event ${rowB.id} matches no event of A`)
      continue
    }
    matched.add(idA)
    for (const column of compared)
      if (rowA[column] !== rowB[column])
        differences.push(
          `event ${idA}, ${column}: ${JSON.stringify(rowA[column])} ≠ ${JSON.stringify(rowB[column])}`,
        )
  }
  assert.deepEqual(differences.slice(0, 10), [], `${differences.length} differences`)
  assert.equal(matched.size, EVENTS)

  // Equal files could still hide a different store: sources run together into one description, or
  // texts kept with the export's formula guard in front. So the stores are compared too.
  assert.deepEqual(await linkCounts(b.db), await linkCounts(a.db))
  const textsA = await storedTexts(a.db, 'demo')
  const textsB = await storedTexts(b.db, 'lifeline-export')
  assert.equal(textsB.size, EVENTS)
  for (const [id, texts] of textsB) assert.deepEqual(texts, textsA.get(id), `texts of event ${id}`)

  const detained = (rows: Row[]) => rows.reduce((sum, row) => sum + Number(row.detained || 0), 0)
  assert.ok(detained(rowsA) > 0)
  assert.equal(detained(rowsB), detained(rowsA))

  // Importing the same file again changes nothing: not an event, a source or an article more.
  const again = await importCsv(b.db, csvA)
  assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, EVENTS])
  assert.equal(await exportCsv(b.db), csvB)
})
