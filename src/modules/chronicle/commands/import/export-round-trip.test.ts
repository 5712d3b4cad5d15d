import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { type TestStore, testStore } from '../../../../../test/support/db.ts'
import type { Db } from '../../../../platform/db/database.ts'
import { type ExportFormat, exportFormats } from '../../present/export-formats.ts'
import { resolveFilter } from '../../queries/filters.ts'
import { ensureTerms } from '../../testing/events.ts'
import { everyFieldChronicle } from '../../testing/every-field.ts'
import { importText } from '../../testing/import.ts'
import { exportChunks } from '../export/stream.ts'
import { parseMappingText } from './mapping.ts'

const mappingFile: Record<ExportFormat, string> = {
  csv: 'lifeline-export-mapping.json',
  ndjson: 'lifeline-export-ndjson-mapping.json',
  json: 'lifeline-export-json-mapping.json',
}
const mappingOf = (format: ExportFormat) =>
  parseMappingText(readFileSync(new URL(`../../data/${mappingFile[format]}`, import.meta.url), 'utf8'))

// What belongs to the store, not to the event: its own id and permalink, and when it published and
// last wrote the event. Everything else in a record is compared, whatever keys a record gains later.
const storeKeys = new Set(['id', 'url', 'published_at', 'updated_at', 'publishedAt', 'updatedAt'])

const stores: TestStore[] = []
after(async () => Promise.all(stores.map((store) => store.close())))
async function freshStore(): Promise<Db> {
  const store = await testStore()
  stores.push(store)
  await ensureTerms(store.db)
  return store.db
}

async function exportOf(db: Db, format: ExportFormat): Promise<string> {
  const filter = await resolveFilter(db, {})
  const parts: string[] = []
  for await (const chunk of exportChunks(db, filter, format, { publicUrl: 'https://lifeline.example' }))
    parts.push(chunk)
  return parts.join('')
}

type Json = Record<string, unknown>

/** The records of an export, each a JSON object (a CSV row's *_json cells parsed). */
function recordsOf(format: ExportFormat, text: string): Json[] {
  if (format === 'json') return JSON.parse(text) as Json[]
  if (format === 'ndjson')
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Json)
  return (parse(text, { columns: true }) as Record<string, string>[]).map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([column, value]) => [
        column,
        column.endsWith('_json') ? JSON.parse(value) : value,
      ]),
    ),
  )
}

/**
 * A record with what belongs to the store left out, and each person's and case's key replaced by
 * the order it first appears in (P1, C1…): keys are store ids, but which acts share one must hold.
 */
function comparable(records: Json[]): Json[] {
  const names = new Map<string, string>()
  const rename = (value: unknown, parent: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => rename(item, parent))
    if (value === null || typeof value !== 'object') return value
    return Object.fromEntries(
      Object.entries(value as Json).map(([name, item]) => {
        if (name !== 'key' || typeof item !== 'string') return [name, rename(item, name)]
        const id = `${parent}:${item}`
        if (!names.has(id))
          names.set(id, `${parent}#${[...names.keys()].filter((k) => k.startsWith(`${parent}:`)).length + 1}`)
        return [name, names.get(id)]
      }),
    )
  }
  return records.map(
    (record) =>
      rename(
        Object.fromEntries(Object.entries(record).filter(([name]) => !storeKeys.has(name))),
        'event',
      ) as Json,
  )
}

async function counts(db: Db) {
  const { rows } = await sql<Record<string, number>>`SELECT
    (SELECT count(*)::int FROM chronicle_events) AS events,
    (SELECT count(*)::int FROM chronicle_sources) AS sources,
    (SELECT count(*)::int FROM chronicle_acts) AS acts,
    (SELECT count(*)::int FROM chronicle_persons) AS persons,
    (SELECT count(*)::int FROM chronicle_cases) AS cases,
    (SELECT count(*)::int FROM chronicle_case_articles) AS case_articles`.execute(db)
  return rows[0]
}

// B's records in the order of A's, matched by the external id B keeps (A's id).
async function inOrderOfA(db: Db, recordsA: Json[], recordsB: Json[]): Promise<Json[]> {
  const rows = await db.selectFrom('chronicle_events').select(['id', 'external_id']).execute()
  const idOfA = new Map(rows.map((row) => [String(row.id), row.external_id]))
  const byIdA = new Map(recordsB.map((record) => [idOfA.get(String(record.id)), record]))
  return recordsA.map((record) => byIdA.get(String(record.id)) ?? { missing: record.id })
}

for (const format of exportFormats)
  test(`the ${format} export of a chronicle using every field imports back with every field intact`, async () => {
    const [a, b] = await Promise.all([freshStore(), freshStore()])
    await everyFieldChronicle(a)
    const fileA = await exportOf(a, format)
    const recordsA = recordsOf(format, fileA)
    assert.equal(recordsA.length, 7)
    // Places beyond Russia are in the file: a town abroad, Belarus, an occupied territory of Ukraine.
    const countries = recordsA.map((record) => JSON.stringify(record.country ?? null))
    for (const code of ['RU', 'DE', 'BY', 'UA'])
      assert.ok(
        countries.some((c) => c.includes(code)),
        code,
      )
    // The withheld person is in A's store but in no export.
    assert.ok(!fileA.includes('Скрытый'), 'a withheld name never leaves')
    const parts = JSON.stringify(recordsA)
    assert.ok(parts.includes('Тверской суд') && parts.includes('"part":"5"') && parts.includes('ОВД-Инфо'))

    const mapping = mappingOf(format)
    const report = await importText(b, mapping, fileA)
    assert.equal(report.errorCount, 0, JSON.stringify(report.errors.slice(0, 5)))
    assert.equal(report.inserted, 7)
    const recordsB = recordsOf(format, await exportOf(b, format))
    assert.deepEqual(comparable(await inOrderOfA(b, recordsA, recordsB)), comparable(recordsA))
    // Two events' acts that share a person or a case share it in B too: one each, not one per act.
    const stored = await counts(b)
    assert.deepEqual([stored?.persons, stored?.cases], [4, 4])

    // Importing the same file again into the same store adds nothing and changes nothing.
    const again = await importText(b, mapping, fileA)
    assert.deepEqual([again.inserted, again.updated, again.errorCount], [0, 0, 0])
    assert.deepEqual(await counts(b), stored)
  })

test('an object where text is wanted refuses the row instead of landing as JSON text', async () => {
  const db = await freshStore()
  const mapping = parseMappingText(
    JSON.stringify({
      name: 'objects',
      format: 'ndjson',
      externalSource: 'objects',
      source: { description: 'test' },
      fields: {
        externalId: { column: 'id' },
        'title.ru': { column: 'title' },
        sources: { column: 'sources' },
        locality: { column: 'place' },
      },
    }),
  )
  const file = [
    { id: '1', title: 'Пикет', sources: [{ url: 'https://a.example', publisher: 'A' }], place: 'Москва' },
    { id: '2', title: 'Пикет', place: { city: 'Москва' } },
    { id: '3', title: { ru: 'Пикет' } },
  ]
    .map((row) => JSON.stringify(row))
    .join('\n')
  const report = await importText(db, mapping, file, { partial: true })
  assert.deepEqual(
    report.errors.map((error) => [error.row, error.field, error.key]),
    [
      [1, 'sources', 'chronicle.import.error.notText'],
      [2, 'locality', 'chronicle.import.error.notText'],
      [3, 'title.ru', 'chronicle.import.error.notText'],
    ],
  )
  assert.equal(report.inserted, 0)
})

test('a JSON array file is read item by item; a broken item is reported, the file must be an array', async () => {
  const db = await freshStore()
  const mapping = parseMappingText(
    JSON.stringify({
      name: 'array',
      format: 'json',
      externalSource: 'array',
      source: { description: 'test' },
      fields: { externalId: { column: 'id' }, 'title.ru': { column: 'title' } },
    }),
  )
  const report = await importText(
    db,
    mapping,
    '\uFEFF [ {"id": "1", "title": "a, [b]"},\n {"id": 2, "title": "c\\"}"}, 5, {"id": }] ',
    {
      partial: true,
    },
  )
  assert.deepEqual(
    report.errors.map((error) => [error.row, error.key]),
    [
      [3, 'chronicle.import.error.notObject'],
      [4, 'chronicle.import.error.json'],
    ],
  )
  assert.equal(report.inserted, 2)
  const notArray = await importText(db, mapping, '{"id": "1"}')
  assert.equal(notArray.fileError?.key, 'chronicle.import.error.jsonArray')
})

test('the CSV export with a byte order mark starts with EF BB BF and imports back the same', async () => {
  const [a, b] = await Promise.all([freshStore(), freshStore()])
  await everyFieldChronicle(a)
  const filter = await resolveFilter(a, {})
  const parts: string[] = []
  for await (const chunk of exportChunks(a, filter, 'csv', {
    publicUrl: 'https://lifeline.example',
    bom: true,
  }))
    parts.push(chunk)
  const bytes = Buffer.from(parts.join(''))
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
  // A mark left in the header would make its first column "\uFEFFid", which the mapping lacks.
  const report = await importText(b, mappingOf('csv'), bytes)
  assert.deepEqual([report.errorCount, report.inserted, report.fileError], [0, 7, null])
})
